import type { Prisma, PrismaClient } from "@switchyard/db";
import {
  indexSnapshot,
  PlacementInputError,
  type TPreparedSnapshot,
  withChanges,
} from "@switchyard/placement";
import { consistentRead } from "../lib/consistent-read.ts";
import { type TChangedRows, toEngineChanges } from "./changes.ts";
import { changedFacts, readFacts, type TEstateFacts } from "./facts.ts";
import { readAllocations, readDatasets, readNodes, readQuotas, readSites } from "./read.ts";
import { EstateRows } from "./rows.ts";

/** More changes than this since the last read: reading the whole estate is cheaper. */
export const MAX_CHANGES = 5_000;

type TState = {
  /** The database snapshot (pg_current_snapshot) the estate was read as of. */
  cursor: string;
  /** Its xmin: every transaction below it was visible then. */
  xmin: bigint;
  prepared: TPreparedSnapshot;
  rows: EstateRows;
  facts: TEstateFacts;
};

/** The estate with the facts a recommendation reads beside it, as of one database snapshot. */
export type TEstateWithFacts = { estate: TPreparedSnapshot; facts: TEstateFacts };

type TChangeRow = {
  snap: string;
  xmin: bigint;
  pruned: bigint | null;
  entity: string | null;
  rowId: string | null;
};

/**
 * The estate as the engine sees it, held in memory by one console process and kept fresh (with
 * the rules in force and the teams' budgets beside it, estate/facts.ts):
 * before each decision, one query asks the change log (EstateChange, written by triggers) for
 * the changes this process has not seen; only the changed rows are read again and applied with
 * the engine's withChanges(). A full read happens on the first use, after invalidate(), when too
 * many changes piled up, and when the changes it missed were pruned (a gap).
 *
 * On PostgreSQL a process also LISTENs for announcements of changes (estate/listen.ts): while
 * its listening connection is up, current("announced") skips the query when nothing was
 * announced (notified, or written by this process) since the last catch-up and that catch-up is
 * younger than `quietForMs`; a notification starts a catch-up in the background, WAKE_AFTER_MS
 * later and shared by the notifications heard meanwhile. Without a listener (PGlite, or the
 * connection lost) it queries as current() does.
 *
 * Who announces: a process that commits a change through auditedTransaction sends one NOTIFY
 * after the commit, coalesced (announceEstateChange below). Not a trigger: PostgreSQL
 * serialises the commits of transactions that sent NOTIFY on one global lock, which made
 * concurrent schedules queue behind each other. A write that bypasses auditedTransaction (a
 * loop's raw update) is not announced; the age bound makes other processes look within
 * `quietForMs` anyway.
 *
 * Freshness is a matter of quality, never of correctness: the guarded UPDATE at schedule time
 * (workloads/allocations.ts) judges capacity, so a decision on a stale estate fails with
 * CAPACITY_EXCEEDED and is placed again; it never over-allocates.
 */
export class EstateCache {
  private state: TState | undefined;
  private running: Promise<TState> | undefined;
  private queued: Promise<TState> | undefined;
  /** How the estate was last brought up to date, and how many times it was (for tests and metrics). */
  lastRefresh: "full" | "changes" | "unchanged" | undefined;
  refreshes = 0;
  /** current("announced") calls answered from memory, without a query. */
  quietHits = 0;
  /** What the listener heard for this database, shared by every copy of this module in the process. */
  private readonly signal: TSignal;
  /** Where the last successful refresh started, when a listener was up then. */
  private caughtUp: { announcements: number; epoch: number; at: number } | undefined;
  /** The background catch-up the notifications heard so far will share. */
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    /** The longest a quiet estate is used without asking the change log (unannounced writes). */
    private readonly quietForMs = QUIET_FOR_MS,
  ) {
    this.signal = signalOf(prisma);
    // A notification catches up in the background, so the next decision finds it done: once,
    // WAKE_AFTER_MS later, for every notification heard meanwhile, and not at all when a
    // decision caught up in between. Under load every process hears every write: one catch-up
    // per notification per process was five change-log transactions per submitted workload
    // over three processes, while the decisions catch up on what was announced anyway.
    this.signal.wake.add(() => {
      if (!this.state || this.wakeTimer) return;
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        if (this.state) void this.current("announced").catch(() => {});
      }, WAKE_AFTER_MS);
      this.wakeTimer.unref?.();
    });
  }

  /** Whether a LISTEN connection currently announces the changes (estate/listen.ts). */
  get isListening(): boolean {
    return this.signal.listening;
  }

  /**
   * The estate with every change committed before this call applied. Calls made while a refresh
   * runs share the next one, so each still sees what committed before it was made.
   *
   * "announced": changes committed by other processes count once their notification arrived
   * (usually a millisecond after the commit); the query is skipped when nothing was announced
   * since the last catch-up. For decisions, whose capacity the guarded UPDATE judges anyway.
   */
  async current(freshness: "exact" | "announced" = "exact"): Promise<TPreparedSnapshot> {
    return (await this.currentState(freshness)).prepared;
  }

  /**
   * current() with the rules in force and the teams' budgets (estate/facts.ts), as of the same
   * moment: what a recommendation's approval forecast and budget filter read.
   */
  async withFacts(freshness: "exact" | "announced" = "exact"): Promise<TEstateWithFacts> {
    const state = await this.currentState(freshness);
    return { estate: state.prepared, facts: state.facts };
  }

  private currentState(freshness: "exact" | "announced"): Promise<TState> {
    if (freshness === "announced" && this.state && this.isQuiet()) {
      this.quietHits++;
      return Promise.resolve(this.state);
    }
    if (this.queued) return this.queued;
    const start = () => {
      this.queued = undefined;
      // Taken before the change-log query: whatever is announced after it is looked at next time.
      const { listening, announcements, epoch } = this.signal;
      const mark = listening ? { announcements, epoch, at: Date.now() } : undefined;
      const run: Promise<TState> = this.refresh()
        .then(
          (state) => {
            this.caughtUp = mark;
            return state;
          },
          (error: unknown) => {
            this.caughtUp = undefined;
            throw error;
          },
        )
        .finally(() => {
          if (this.running === run) this.running = undefined;
        });
      this.running = run;
      return run;
    };
    if (!this.running) return start();
    this.queued = this.running.catch(() => undefined).then(start);
    return this.queued;
  }

  /** The next current() reads the whole estate again. */
  invalidate(): void {
    this.state = undefined;
    this.caughtUp = undefined;
  }

  /** The listening connection is up: what it missed while down is looked for on the next call. */
  listenerUp(): void {
    this.signal.listening = true;
    this.signal.epoch++;
  }

  /** The listening connection is gone: every current() queries until it is back. */
  listenerDown(): void {
    this.signal.listening = false;
    this.signal.epoch++;
  }

  /** A notification arrived: every cache of this database catches up in the background. */
  announce(): void {
    this.signal.announcements++;
    for (const wake of this.signal.wake) wake();
  }

  /** This process committed a change: its own notification may still be on the way. */
  noteLocalWrite(): void {
    this.signal.announcements++;
  }

  private isQuiet(): boolean {
    const mark = this.caughtUp;
    return (
      this.signal.listening &&
      !this.running &&
      mark !== undefined &&
      mark.epoch === this.signal.epoch &&
      mark.announcements === this.signal.announcements &&
      Date.now() - mark.at < this.quietForMs
    );
  }

  private async refresh(): Promise<TState> {
    this.refreshes++;
    const state = this.state;
    if (!state) return this.fullRead();
    const [head, ...rest] = await readChanges(this.prisma, state);
    if (!head) throw new Error("the change-log query returned no row");
    if (missedPrunedChanges(head, state)) return this.fullRead();
    if (head.entity === null) {
      this.state = { ...state, cursor: head.snap, xmin: head.xmin };
      this.lastRefresh = "unchanged";
      return this.state;
    }
    if (rest.length + 1 > MAX_CHANGES) return this.fullRead();
    try {
      return await this.applyChanges(state);
    } catch (error) {
      // Its rows may be half-updated: whatever went wrong, the next read starts afresh.
      this.state = undefined;
      if (!(error instanceof PlacementInputError)) throw error;
      return this.fullRead();
    }
  }

  /** Reads the changed rows and the changes again, as of one moment, and derives the estate. */
  private async applyChanges(state: TState): Promise<TState> {
    const read = await consistentRead(this.prisma, async (tx) => {
      const changes = await readChanges(tx, state);
      const head = changes[0];
      if (!head || missedPrunedChanges(head, state) || changes.length > MAX_CHANGES) return undefined;
      const ids = groupIds(changes);
      const [sites, nodes, datasets, quotas, allocations, facts] = await Promise.all([
        ids.Site.length > 0 ? readSites(tx, ids.Site) : [],
        ids.GpuNode.length > 0 ? readNodes(tx, ids.GpuNode) : [],
        ids.Dataset.length > 0 ? readDatasets(tx, ids.Dataset) : [],
        ids.Quota.length > 0 ? readQuotas(tx, ids.Quota) : [],
        ids.Allocation.length + ids.Workload.length > 0
          ? readAllocations(tx, { ids: ids.Allocation, workloadIds: ids.Workload })
          : [],
        changedFacts(tx, state.facts, ids),
      ]);
      const changed: TChangedRows = { ids, sites, nodes, datasets, quotas, allocations };
      return { head, changed, facts };
    });
    if (!read) return this.fullRead();
    // The rows change in place: if the engine refuses the result, refresh() reads everything again.
    const prepared = ENGINE_ENTITIES.some((e) => read.changed.ids[e].length > 0)
      ? withChanges(state.prepared, toEngineChanges(state.prepared, state.rows, read.changed))
      : state.prepared;
    this.state = {
      cursor: read.head.snap,
      xmin: read.head.xmin,
      prepared,
      rows: state.rows,
      facts: read.facts,
    };
    this.lastRefresh = "changes";
    return this.state;
  }

  private async fullRead(): Promise<TState> {
    const read = await consistentRead(this.prisma, async (tx) => {
      const [head] = await tx.$queryRaw<{ snap: string; xmin: bigint }[]>`
        SELECT pg_current_snapshot()::text AS snap, pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`;
      const [sites, nodes, datasets, quotas, allocations, facts] = await Promise.all([
        readSites(tx),
        readNodes(tx),
        readDatasets(tx),
        readQuotas(tx),
        readAllocations(tx),
        readFacts(tx),
      ]);
      return { head, sites, nodes, datasets, quotas, allocations, facts };
    });
    if (!read.head) throw new Error("pg_current_snapshot() returned no row");
    const rows = EstateRows.from(read.quotas, read.allocations);
    const prepared = indexSnapshot({
      ...rows.snapshotParts(),
      sites: read.sites,
      nodes: read.nodes,
      datasets: read.datasets,
    });
    this.state = { cursor: read.head.snap, xmin: read.head.xmin, prepared, rows, facts: read.facts };
    this.lastRefresh = "full";
    return this.state;
  }
}

/**
 * The changes committed since `state` was read: rows written by transactions that were not
 * visible in its database snapshot (an index range from its xmin, then the exact visibility
 * test), oldest first. Always at least one row, carrying the current snapshot and the prune
 * horizon; entity is null when nothing changed.
 */
function readChanges(db: PrismaClient | Prisma.TransactionClient, state: TState): Promise<TChangeRow[]> {
  return db.$queryRaw<TChangeRow[]>`
    SELECT s.snap::text AS snap, pg_snapshot_xmin(s.snap)::text::bigint AS xmin, h."prunedThrough" AS pruned,
           c."entity", c."rowId"
      FROM (SELECT pg_current_snapshot() AS snap) s
      LEFT JOIN "EstateChangeHorizon" h ON h."id" = 1
      LEFT JOIN LATERAL (
        SELECT "entity", "rowId", "version" FROM "EstateChange"
         WHERE "txid" >= ${state.xmin}
           AND NOT pg_visible_in_snapshot("txid"::text::xid8, ${state.cursor}::pg_snapshot)
         ORDER BY "version"
         LIMIT ${MAX_CHANGES + 1}
      ) c ON true
     ORDER BY c."version"`;
}

/** Changes this process never saw were pruned: only a full read can catch up. */
function missedPrunedChanges(head: TChangeRow, state: TState): boolean {
  return head.pruned !== null && head.pruned >= state.xmin;
}

/** What the engine reads; a Policy or Team change touches only the facts beside it. */
const ENGINE_ENTITIES = ["Site", "GpuNode", "Dataset", "Quota", "Allocation", "Workload"] as const;
const ENTITIES = [...ENGINE_ENTITIES, "Policy", "Team"] as const;
export type TEntity = (typeof ENTITIES)[number];

function groupIds(changes: readonly TChangeRow[]): Record<TEntity, string[]> {
  const sets = Object.fromEntries(ENTITIES.map((e) => [e, new Set<string>()])) as Record<
    TEntity,
    Set<string>
  >;
  for (const change of changes) {
    if (change.entity !== null && change.rowId !== null) sets[change.entity as TEntity]?.add(change.rowId);
  }
  return Object.fromEntries(ENTITIES.map((e) => [e, [...sets[e]]])) as Record<TEntity, string[]>;
}

const caches = new WeakMap<PrismaClient, EstateCache>();

/**
 * What the LISTEN connection heard for one database client: plain counters and callbacks, kept
 * on globalThis because Next.js bundles the instrumentation (which starts the listener) apart
 * from the route handlers, each with its own copy of this module and so its own caches. Only
 * this signal is shared: a snapshot prepared by one bundle's engine is refused by the other's.
 */
type TSignal = {
  /** Notifications heard plus writes of this process: anything that may have changed the estate. */
  announcements: number;
  listening: boolean;
  /** Counts the listening connection's ups and downs: a catch-up counts only within one. */
  epoch: number;
  /** Each cache's background catch-up, run on a notification. */
  wake: Set<() => void>;
};
const SIGNALS = Symbol.for("switchyard.estate.signals");

function signalOf(prisma: PrismaClient): TSignal {
  const shared = globalThis as { [SIGNALS]?: WeakMap<PrismaClient, TSignal> };
  shared[SIGNALS] ??= new WeakMap();
  const signals = shared[SIGNALS];
  let signal = signals.get(prisma);
  if (!signal) {
    signal = { announcements: 0, listening: false, epoch: 0, wake: new Set() };
    signals.set(prisma, signal);
  }
  return signal;
}

/** How long a quiet estate is trusted without a query: bounds how late an unannounced write is seen. */
export const QUIET_FOR_MS = 1_000;

/** How long after a notification the background catch-up starts; the ones heard meanwhile share it. */
export const WAKE_AFTER_MS = 100;

/** The channel changes are announced on (estate/listen.ts listens on it). */
export const ESTATE_CHANNEL = "estate_change";

/**
 * This process committed a change to the estate: its own cache looks for it on the next
 * decision, and the other processes are told with one NOTIFY sent after the commit.
 */
export function noteEstateWrite(prisma: PrismaClient): void {
  caches.get(prisma)?.noteLocalWrite();
  announceEstateChange(prisma);
}

/** Per client: a NOTIFY in flight, and whether another write asked for one meanwhile. */
const announcing = new WeakMap<PrismaClient, { again: boolean }>();

/**
 * Sends NOTIFY on the estate channel, at most one at a time per client: writes committed while
 * one is in flight share the next (which starts after it, so it follows their commits). A failed
 * NOTIFY is dropped: listeners still look within QUIET_FOR_MS.
 */
export function announceEstateChange(prisma: PrismaClient): void {
  const flight = announcing.get(prisma);
  if (flight) {
    flight.again = true;
    return;
  }
  const next = { again: false };
  announcing.set(prisma, next);
  void prisma
    .$executeRawUnsafe(`NOTIFY ${ESTATE_CHANNEL}`)
    .catch(() => undefined)
    .finally(() => {
      announcing.delete(prisma);
      if (next.again) announceEstateChange(prisma);
    });
}

/** The estate cache of this process for one database. */
export function estateCache(prisma: PrismaClient): EstateCache {
  let cache = caches.get(prisma);
  if (!cache) {
    cache = new EstateCache(prisma);
    caches.set(prisma, cache);
  }
  return cache;
}
