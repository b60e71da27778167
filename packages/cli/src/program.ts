import { Command, CommanderError, Option } from "commander";
import { registerApprovals } from "./commands/approvals.ts";
import { registerAudit } from "./commands/audit.ts";
import { createContext, example, type TIo } from "./commands/context.ts";
import { registerEstate } from "./commands/estate.ts";
import { registerFairShare } from "./commands/fair-share.ts";
import { registerModels } from "./commands/models.ts";
import { registerPlacement } from "./commands/placement.ts";
import { registerServices } from "./commands/services.ts";
import { registerSession } from "./commands/session.ts";
import { registerWhatIf } from "./commands/what-if.ts";
import { registerWorkloads } from "./commands/workloads.ts";
import { configPath } from "./config.ts";
import { CliError, EXIT, formatError, type TExitCode } from "./exit-codes.ts";
import { OUTPUT_FORMATS } from "./output.ts";
import { readToken } from "./prompt.ts";
import { CLI_VERSION } from "./version.ts";

export type { TIo } from "./commands/context.ts";
export { exitCodeForState, TERMINAL_STATES, WORKLOAD_STATES } from "./commands/workloads.ts";

/** Builds the `switchyard` program; `run` parses and executes it. */
export function buildProgram(io: TIo, done: (code: TExitCode) => void): Command {
  const program = new Command("switchyard");
  program
    .description("Submit, watch, explain and approve workloads on a Switchyard server from the shell.")
    .version(CLI_VERSION, "-V, --version")
    .addOption(
      new Option("-o, --output <format>", "table for people, json or yaml for scripts")
        .choices(OUTPUT_FORMATS)
        .default("table"),
    )
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 error, 2 usage (bad arguments, job file or request), 3 not found,
4 conflict or infeasible, 5 needs approval.
Configuration: ${configPath(io.env)} (switchyard login), or SWITCHYARD_SERVER and SWITCHYARD_TOKEN.`,
    );
  example(
    program,
    "switchyard login --server https://switchyard.example.com",
    "switchyard workloads list --state RUNNING -o json",
  );

  const ctx = createContext(program, io, done);
  registerSession(ctx);
  registerEstate(ctx);
  registerModels(ctx);
  registerServices(ctx);
  registerWorkloads(ctx);
  registerPlacement(ctx);
  registerApprovals(ctx);
  registerAudit(ctx);
  registerWhatIf(ctx);
  registerFairShare(ctx);
  return program;
}

/** Runs the CLI once and answers its exit code; every failure is one message, never a stack. */
export async function run(argv: string[], io: TIo): Promise<TExitCode> {
  let code: TExitCode = EXIT.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`${formatError(error)}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      )
        return EXIT.OK;
      // Commander printed its message already.
      return EXIT.USAGE;
    }
    io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.ERROR;
  }
}

export const defaultIo = (): TIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readToken,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
