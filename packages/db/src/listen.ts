import pg from "pg";

export type TListenHandlers = {
  /** LISTEN took effect: from now on every commit that notifies the channel is announced. */
  listening(): void;
  /** A notification arrived on the channel (a transaction that notified it committed). */
  notify(payload: string | undefined): void;
  /** The connection was lost or could not be opened: announcements may be missed until listening() again. */
  lost(error: unknown): void;
};

export type TListener = {
  /** The server process id of the listening connection, undefined while not listening. */
  readonly backendPid: number | undefined;
  stop(): Promise<void>;
};

/** Waits before reconnecting: doubles from `retryMs` up to 30 s. */
const MAX_RETRY_MS = 30_000;

/**
 * One dedicated PostgreSQL connection that LISTENs on `channel` for as long as it runs: when it
 * drops (server restart, network, pg_terminate_backend) it reports lost() and connects again,
 * waiting longer after each failure. Channel names are identifiers: letters, digits and "_".
 */
export function listenOnPostgres(
  url: string,
  channel: string,
  handlers: TListenHandlers,
  { retryMs = 500 }: { retryMs?: number } = {},
): TListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid LISTEN channel name "${channel}"`);
  let stopped = false;
  let client: pg.Client | undefined;
  let backendPid: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wait = retryMs;

  const dropped = (from: pg.Client, error: unknown) => {
    if (client !== from) return; // already handled (both "error" and "end" fire)
    client = undefined;
    backendPid = undefined;
    from.removeAllListeners();
    from.on("error", () => {});
    void from.end().catch(() => {});
    if (stopped) return;
    handlers.lost(error);
    timer = setTimeout(connect, wait);
    wait = Math.min(wait * 2, MAX_RETRY_MS);
  };

  const connect = async () => {
    timer = undefined;
    if (stopped) return;
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client = next;
    next.on("error", (error) => dropped(next, error));
    next.on("end", () => dropped(next, new Error("the listening connection ended")));
    next.on("notification", (message) => {
      if (message.channel === channel) handlers.notify(message.payload);
    });
    try {
      await next.connect();
      const [{ pid }] = (await next.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [
        { pid: number },
      ];
      await next.query(`LISTEN ${channel}`);
      if (client !== next || stopped) return;
      backendPid = pid;
      wait = retryMs;
      handlers.listening();
    } catch (error) {
      dropped(next, error);
    }
  };

  void connect();
  return {
    get backendPid() {
      return backendPid;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const open = client;
      client = undefined;
      backendPid = undefined;
      if (open) {
        open.removeAllListeners();
        open.on("error", () => {});
        await open.end().catch(() => {});
      }
    },
  };
}
