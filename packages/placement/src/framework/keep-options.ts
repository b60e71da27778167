import type { TOption } from "./types";

/** The options that pass `test`; the same array when all pass, to spare the hot path an allocation. */
export function keepOptions(
  options: readonly TOption[],
  test: (option: TOption) => boolean,
): readonly TOption[] {
  for (let i = 0; i < options.length; i++) {
    if (test(options[i] as TOption)) continue;
    const kept = options.slice(0, i);
    for (let j = i + 1; j < options.length; j++)
      if (test(options[j] as TOption)) kept.push(options[j] as TOption);
    return kept;
  }
  return options;
}
