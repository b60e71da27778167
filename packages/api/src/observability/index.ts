export { currentLogContext, requestIdFor, type TLogContext, withLogContext } from "./context.ts";
export { observeRequest, setRequestRoute } from "./http.ts";
export { createLogger, LOG_LEVELS, logger, logLevelFromEnv, setLogger, type TLogLevel } from "./logger.ts";
export { runLoopTick, timeLoopPass } from "./loop-tick.ts";
export { processMetrics, type TLoopName, type TPlacementOperation, timePlacement } from "./metrics.ts";
