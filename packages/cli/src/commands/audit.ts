/** `switchyard audit verify` and `switchyard job-schema`. */
import type { Command } from "commander";
import jobSchema from "../../schema/job.schema.json" with { type: "json" };
import { unwrap } from "../client.ts";
import { EXIT } from "../exit-codes.ts";
import { cell, renderDetails, type TRow } from "../output.ts";
import { example, type TCommandContext } from "./context.ts";

export function registerAudit(ctx: TCommandContext): void {
  const { api, print, emit, action, program } = ctx;
  // --- audit, job schema -----------------------------------------------------------------------
  const audit = program.command("audit").description("The tamper-evident audit log");
  example(
    audit
      .command("verify")
      .description("Check the audit log's hash chain end to end (exit 1 when it is broken)")
      .action(
        action(async (_options: unknown, command: Command) => {
          // The operation takes no input; the API reads every POST body as JSON, so send an empty object.
          const result = (await unwrap(api().POST("/audit/verify", { body: {} as never }))) as TRow & {
            ok: boolean;
          };
          emit(command, result, () =>
            result.ok
              ? `Audit chain intact${result.checked !== undefined ? `: ${cell(result.checked)} events checked` : ""}`
              : `Audit chain BROKEN\n${renderDetails(result)}`,
          );
          return result.ok ? EXIT.OK : EXIT.ERROR;
        }),
      ),
    "switchyard audit verify -o json",
  );

  example(
    program
      .command("job-schema")
      .description("Print the JSON Schema of a job file (for editors: yaml-language-server, VS Code)")
      .action(
        action(async () => {
          print(JSON.stringify(jobSchema, null, 2));
          return EXIT.OK;
        }),
      ),
    "switchyard job-schema > job.schema.json   # then: # yaml-language-server: $schema=./job.schema.json",
  );
}
