import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { AppError, ERROR_CODE_MAP, type TAppErrorCode } from "./errors.ts";
export { EXPORTS, exportCsv } from "./exports.ts";
export { evidenceToCsv } from "./governance/evidence-csv.ts";
export { appErrorFromDatabase } from "./lib/database-errors.ts";
export { findUnsafeInput, summariseIssues, unsafeInputError } from "./lib/input.ts";
export { humanFieldErrors, humanMessage } from "./lib/messages.ts";
export { type AppRouter, appRouter } from "./root.ts";
export { checkHealth, type THealth } from "./services/health.ts";
export { createCallerFactory, createInnerContext, type TContext } from "./trpc.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
