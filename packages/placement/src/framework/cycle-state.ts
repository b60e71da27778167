import { errorStatus, type TStatus } from "./status";

declare const stateKeyType: unique symbol;

/** A cycle-state key that carries the type of its value. */
export type TStateKey<T> = string & { readonly [stateKeyType]: T };

export function createStateKey<T>(name: string): TStateKey<T> {
  return name as TStateKey<T>;
}

/**
 * Work computed once per placement attempt (preFilter/preScore) and read per site
 * (filter/score). One instance per request; never shared between requests.
 */
export class CycleState {
  private readonly values = new Map<string, unknown>();

  write<T>(key: TStateKey<T>, value: T): void {
    this.values.set(key, value);
  }

  /** Undefined when a plugin's preFilter/preScore did not run; see missingState. */
  read<T>(key: TStateKey<T>): T | undefined {
    return this.values.get(key) as T | undefined;
  }
}

/** The status a plugin returns when the state it needs was never written. */
export function missingState(key: string): TStatus {
  return errorStatus("internal error: missing cycle state", `cycle state '${key}' was not written`);
}
