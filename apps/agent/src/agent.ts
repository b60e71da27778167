import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "./backoff.ts";
import { SampleBuffer } from "./buffer.ts";
import type { TRegistration, TSample } from "./node-report.ts";
import { ServerError, type TServer } from "./server.ts";

/** The server takes at most this many samples per request. */
export const MAX_BATCH = 10_000;

export type TAgentOptions = {
  server: TServer;
  /** Reads the node's GPUs (nvidia-smi); called at start and when the server forgot the node. */
  discover: () => Promise<TRegistration>;
  /** One sample of every GPU. */
  sample: (at: Date) => Promise<TSample[]>;
  intervalMs: number;
  bufferCapacity: number;
  backoff?: { baseMs: number; maxMs: number };
  log: (line: string) => void;
  signal?: AbortSignal;
};

/**
 * The agent's life: register the node (retrying with back-off while the server is away),
 * then every interval sample the GPUs into a bounded buffer, heartbeat, and send the buffer
 * in batches. While the server is away, sampling goes on and sends wait an exponentially
 * growing, jittered delay; a batch the server refuses (4xx) is dropped and logged, since
 * resending it cannot succeed. Stops when `signal` aborts. Throws only what retrying cannot
 * fix at start: nvidia-smi unreadable, or registration refused (a bad token, another site's node).
 */
export async function runAgent(options: TAgentOptions): Promise<void> {
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 };
  const buffer = new SampleBuffer<TSample>(options.bufferCapacity);
  const registration = await options.discover();
  let failures = 0;
  let nextSendAt = 0;
  let reported = { dropped: 0 };

  const retryLater = (error: ServerError) => {
    failures++;
    const wait = backoffDelay(failures, backoff);
    nextSendAt = Date.now() + wait;
    options.log(
      `${error.message}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${failures}, ${buffer.size} samples buffered)`,
    );
  };

  // 1. Register: refusals are fatal, absence is waited out.
  for (;;) {
    try {
      const node = (await options.server.post("/agent/register", registration)) as {
        id: string;
        created: boolean;
      };
      options.log(
        `${node.created ? "registered" : "updated"} ${registration.hostname} (${node.id}): ${registration.gpus.length} × ${registration.gpus[0]?.name}`,
      );
      failures = 0;
      break;
    } catch (error) {
      if (!(error instanceof ServerError) || !error.isRetryable) throw error;
      retryLater(error);
      if (!(await pause(nextSendAt - Date.now(), options.signal))) return;
    }
  }

  // 2. Sample, heartbeat, send.
  while (!options.signal?.aborted) {
    try {
      buffer.push(await options.sample(new Date()));
    } catch (error) {
      options.log(`sampling failed: ${(error as Error).message}`);
    }
    if (buffer.dropped > reported.dropped) {
      options.log(
        `buffer full (${buffer.capacity} samples): ${buffer.dropped} oldest samples dropped so far`,
      );
      reported = { dropped: buffer.dropped };
    }
    if (Date.now() >= nextSendAt) {
      try {
        await heartbeatAndFlush(options, registration, buffer);
        if (failures > 0) options.log(`server back after ${failures} failed attempts`);
        failures = 0;
      } catch (error) {
        if (!(error instanceof ServerError)) throw error;
        retryLater(error);
      }
    }
    if (!(await pause(options.intervalMs, options.signal))) return;
  }
}

async function heartbeatAndFlush(
  options: TAgentOptions,
  registration: TRegistration,
  buffer: SampleBuffer<TSample>,
) {
  try {
    await options.server.post("/agent/heartbeat", { hostname: registration.hostname });
  } catch (error) {
    // The node was deleted on the server: register it again.
    if (!(error instanceof ServerError) || error.status !== 404) throw error;
    await options.server.post("/agent/register", await options.discover());
  }
  while (buffer.size > 0) {
    const batch = buffer.take(MAX_BATCH);
    try {
      await options.server.post("/agent/telemetry", { hostname: registration.hostname, samples: batch });
    } catch (error) {
      if (error instanceof ServerError && !error.isRetryable) {
        options.log(`${error.message}; dropped this batch of ${batch.length} samples`);
        continue;
      }
      buffer.putBack(batch);
      throw error;
    }
  }
}

/** Waits `ms`; false when the signal aborted meanwhile. */
async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
