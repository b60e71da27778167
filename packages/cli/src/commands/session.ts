/** `switchyard login|logout|whoami`: the server and token in the XDG config file. */
import type { Command } from "commander";
import { createApi, unwrap } from "../client.ts";
import { configPath, normaliseServer, readConfig, removeConfig, writeConfig } from "../config.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { example, type TCommandContext } from "./context.ts";

export function registerSession(ctx: TCommandContext): void {
  const { io, api, print, emit, action, program } = ctx;
  // --- login, logout, whoami -------------------------------------------------------------
  example(
    program
      .command("login")
      .description(
        "Store the server and an API token (Settings → API tokens) in the config file, checked with /me",
      )
      .requiredOption(
        "--server <url>",
        "the console's URL, e.g. https://switchyard.example.com",
        normaliseServer,
      )
      .action(
        action(async (options: { server: string }, command: Command) => {
          const token = (io.env.SWITCHYARD_TOKEN || (await io.readToken())).trim();
          if (!token)
            throw new CliError(
              "No token given: paste an API token (sy_…) or set SWITCHYARD_TOKEN",
              EXIT.USAGE,
            );
          const me = await unwrap(createApi(options.server, token).GET("/me"));
          const file = writeConfig({ server: options.server, token }, io.env);
          emit(
            command,
            me,
            () => `Logged in to ${options.server} as ${me.name} <${me.email}> (${me.role}); saved in ${file}`,
          );
          return EXIT.OK;
        }),
      ),
    "switchyard login --server https://switchyard.example.com",
    "SWITCHYARD_TOKEN=sy_… switchyard login --server http://localhost:3000",
  );

  example(
    program
      .command("logout")
      .description("Forget the stored server and token (the token stays valid until revoked in Settings)")
      .action(
        action(async () => {
          print(removeConfig(io.env) ? `Removed ${configPath(io.env)}` : "Not logged in");
          return EXIT.OK;
        }),
      ),
    "switchyard logout",
  );

  example(
    program
      .command("whoami")
      .description("Who the token acts as: name, email, role and teams")
      .action(
        action(async (_options: unknown, command: Command) => {
          const me = await unwrap(api().GET("/me"));
          const server = io.env.SWITCHYARD_SERVER ?? readConfig(io.env)?.server;
          emit(command, me, () =>
            [
              `${me.name} <${me.email}> (${me.role}) on ${server}`,
              `teams: ${me.teams.map((t) => t.name).join(", ") || "-"}`,
            ].join("\n"),
          );
          return EXIT.OK;
        }),
      ),
    "switchyard whoami -o json",
  );
}
