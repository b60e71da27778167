/**
 * A stand-in for a console process that is busy scheduling, for the kill test
 * (schedule-kill.integration.test.ts): several concurrent loops submit a workload (which
 * places it), schedule it, and then start and finish it, cancel it or leave it scheduled,
 * all through the real tRPC procedures and services against DATABASE_URL. The test SIGKILLs
 * it at random moments and checks the estate after each kill.
 *
 * stdout: `ready` once the loops run, then one `scheduled <id>` line per workload scheduled.
 *
 * Usage: DATABASE_URL=postgresql://… npx tsx packages/api/test/support/schedule-worker.ts [loops]
 */
import { createDb } from "@switchyard/db";
import { AppError } from "../../src/errors.ts";
import { appRouter } from "../../src/root.ts";
import { createCallerFactory, createInnerContext } from "../../src/trpc.ts";

const ENGINEER = {
  id: "user-engineer",
  email: "engineer@switchyard.demo",
  name: "Eli Engineer",
  role: "ML_ENGINEER",
} as const;

const url = process.env.DATABASE_URL;
if (!url) throw new Error("schedule-worker: set DATABASE_URL");
const loops = Number(process.argv[2] ?? "4");
const db = await createDb({ kind: "postgres", url });
const api = createCallerFactory(appRouter)(createInnerContext({ prisma: db.prisma, user: ENGINEER }));

async function loop(index: number) {
  for (let n = 0; ; n++) {
    const roll = Math.random();
    try {
      const { id } = await api.workload.submit({
        spec: {
          name: `kill-${process.pid}-${index}-${n}`,
          kind: "BATCH_INFERENCE",
          teamId: "team-applied-ml",
          gpu: { count: 1 + (n % 2) },
          gpuModels: ["L4"],
          estimatedHours: 1,
        },
        asDraft: false,
      });
      const scheduled = await api.workload.schedule({ id });
      if (scheduled.state !== "SCHEDULED") continue;
      process.stdout.write(`scheduled ${id}\n`);
      if (roll < 0.45) {
        await api.workload.transition({ id, to: "RUNNING" });
        await api.workload.transition({ id, to: "SUCCEEDED" });
      } else if (roll < 0.9) {
        await api.workload.cancel({ id, reason: "kill test" });
      }
    } catch (error) {
      // Full estate or a lost race: normal outcomes under contention; anything else is a bug.
      const code = (error as { cause?: unknown }).cause;
      if (!(code instanceof AppError)) throw error;
    }
  }
}

process.stdout.write("ready\n");
await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
