/** What every command registration shares: the io, the API client, and how to print and exit. */
import { type Command, InvalidArgumentError } from "commander";
import { createApi, type TApi, unwrap } from "../client.ts";
import { resolveConnection, type TEnv } from "../config.ts";
import { EXIT, type TExitCode } from "../exit-codes.ts";
import {
  renderData,
  renderDetails,
  renderTable,
  type TColumn,
  type TOutputFormat,
  type TRow,
} from "../output.ts";

export type TIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: TEnv;
  /** Reads the token at `switchyard login` when SWITCHYARD_TOKEN is not set. */
  readToken: () => Promise<string>;
  sleep: (ms: number) => Promise<void>;
};

export type TCommandContext = {
  program: Command;
  io: TIo;
  /** The typed client for the configured server and token (throws "Not logged in" otherwise). */
  api: () => TApi;
  print: (text: string) => void;
  /** Prints data as a table (human) or as the API's JSON/YAML, by -o. */
  emit: (command: Command, data: unknown, human: () => string) => void;
  /** Wraps an action: its exit code goes to done(); CliErrors propagate to run(). */
  action: <A extends unknown[]>(
    fn: (...args: A) => Promise<TExitCode | undefined>,
  ) => (...args: A) => Promise<void>;
  format: (command: Command) => TOutputFormat;
};

export function createContext(program: Command, io: TIo, done: (code: TExitCode) => void): TCommandContext {
  const format = (command: Command) => command.optsWithGlobals().output as TOutputFormat;
  const api = (): TApi => {
    const { server, token } = resolveConnection(io.env);
    return createApi(server, token);
  };
  const print = (text: string) => io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  const emit = (command: Command, data: unknown, human: () => string) => {
    const f = format(command);
    print(f === "table" ? human() : renderData(data, f));
  };
  /** Wraps an action: CliErrors become their message and exit code; the code goes to done(). */
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<TExitCode | undefined>) =>
    async (...args: A) => {
      done((await fn(...args)) ?? EXIT.OK);
    };

  return { program, io, api, print, emit, action, format };
}

export const example = (command: Command, ...lines: string[]) =>
  command.addHelpText(
    "after",
    `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}`,
  );

export const positiveInt = (name: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InvalidArgumentError(`${name} is a whole number from 1 to ${max}.`);
  return n;
};
export const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number above 0.`);
  return n;
};

export type TListSpec = {
  path:
    | "/sites"
    | "/nodes"
    | "/datasets"
    | "/teams"
    | "/workloads"
    | "/approvals"
    | "/models"
    | "/services"
    | "/user-regions";
  columns: TColumn[];
};

/** `<resource> list`: one page (--limit, --cursor) or every page (--all), with its filters. */
export function listCommand(
  ctx: TCommandContext,
  parent: Command,
  spec: TListSpec,
  filters: { flag: string; query: string; description: string }[],
  exampleLine: string,
  searchable = true,
): void {
  const { api, action, emit } = ctx;
  const list = parent
    .command("list")
    .alias("ls")
    .description(`List ${parent.name()} (one page, or every page with --all)`)
    .option("--limit <n>", "rows per page (1-200)", positiveInt("--limit", 200), 50)
    .option("--cursor <cursor>", "start after this cursor (the nextCursor of a page)")
    .option("--all", "follow nextCursor until the last page");
  if (searchable) list.option("--search <text>", "only rows whose name matches");
  for (const f of filters) list.option(f.flag, f.description);
  example(list, exampleLine);
  list.action(
    action(async (options: Record<string, unknown>, command: Command) => {
      const client = api();
      const query: Record<string, unknown> = { limit: options.all ? 200 : options.limit };
      if (options.search) query.search = options.search;
      for (const f of filters) {
        const key = f.flag
          .replace(/^--([a-z-]+).*$/, "$1")
          .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
        if (options[key] !== undefined) query[f.query] = options[key];
      }
      let cursor = options.cursor as string | undefined;
      const rows: TRow[] = [];
      let page: { rows: TRow[]; nextCursor: string | null; total?: number };
      do {
        page = (await unwrap(
          // The list paths share one shape (rows, nextCursor); their query types differ per path.
          client.GET(spec.path as "/sites", { params: { query: { ...query, cursor } as never } }),
        )) as unknown as typeof page;
        rows.push(...page.rows);
        cursor = page.nextCursor ?? undefined;
      } while (options.all && cursor);
      const data = options.all ? { rows, total: rows.length } : page;
      emit(command, data, () => {
        const more = !options.all && page.nextCursor ? `\n(more: --cursor ${page.nextCursor}, or --all)` : "";
        return rows.length === 0 ? `No ${parent.name()}` : `${renderTable(rows, spec.columns)}${more}`;
      });
      return EXIT.OK;
    }),
  );
}

/** `<resource> get <id>`: one object, as a field/value table or the API's JSON/YAML. */
export function getCommand(
  ctx: TCommandContext,
  parent: Command,
  path:
    | "/sites/{id}"
    | "/nodes/{id}"
    | "/datasets/{id}"
    | "/teams/{id}"
    | "/approvals/{id}"
    | "/models/{id}"
    | "/services/{id}",
  exampleLine: string,
  verb: "get" | "show" = "get",
): void {
  const { api, action, emit } = ctx;
  const command = parent.command(verb);
  if (verb !== "get") command.alias("get");
  example(
    command
      .description(`Show one of the ${parent.name()} by id`)
      .argument("<id>", "its id")
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const data = (await unwrap(api().GET(path as "/sites/{id}", { params: { path: { id } } }))) as TRow;
          emit(command, data, () => renderDetails(data));
          return EXIT.OK;
        }),
      ),
    exampleLine,
  );
}

/** A workload as GET /workloads/{id} answers it. */
export const getWorkload = async (client: TApi, id: string) =>
  (await unwrap(client.GET("/workloads/{id}", { params: { path: { id } } }))) as TRow & {
    state: string;
    events: { toState: string; createdAt: string; reason?: string | null }[];
  };
