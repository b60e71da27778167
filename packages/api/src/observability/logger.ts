import { type DestinationStream, type Level, type Logger, type LoggerOptions, pino } from "pino";
import { currentLogContext } from "./context.ts";
import { processSingleton } from "./process-singleton.ts";

/**
 * The server's one logger: JSON lines on stdout (pino), one object per line with `level`
 * (as a word), `time` (ISO 8601), `msg`, and the request id or loop tick id of the work the
 * line belongs to, read from the async context (context.ts) so no call site passes it.
 * `LOG_LEVEL` chooses the least severe level written (default info). Read the lines with
 * `jq`, or `npx pino-pretty` for colour; the server itself never formats for people.
 */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type TLogLevel = Level | "silent";

/** LOG_LEVEL, checked: a word pino knows, or an error naming the variable (read at start). */
export function logLevelFromEnv(env: Record<string, string | undefined> = process.env): TLogLevel {
  const value = env.LOG_LEVEL?.trim().toLowerCase();
  if (!value) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; it is "${env.LOG_LEVEL}".`);
  }
  return value as TLogLevel;
}

export function createLogger(options: { level?: TLogLevel; destination?: DestinationStream } = {}): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = currentLogContext();
      if (!context) return {};
      const { requestId, tickId, loop } = context;
      return { requestId, tickId, loop };
    },
  };
  // Without a destination: stdout, written synchronously (nothing lost when the process dies).
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

type TLoggerHolder = { current: Logger | null };
const holder = processSingleton<TLoggerHolder>("logger", () => ({ current: null }));

/** The process's logger (created on first use, at LOG_LEVEL; an invalid value falls back to info). */
export function logger(): Logger {
  if (!holder.current) {
    let level: TLogLevel = "info";
    try {
      level = logLevelFromEnv();
    } catch {
      // instrumentation.ts refuses to start on a bad LOG_LEVEL; scripts and tests go on at info.
    }
    holder.current = createLogger({ level });
  }
  return holder.current;
}

/** Replaces the process's logger (tests capture lines with their own destination); returns the previous one. */
export function setLogger(next: Logger | null): Logger | null {
  const previous = holder.current;
  holder.current = next;
  return previous;
}
