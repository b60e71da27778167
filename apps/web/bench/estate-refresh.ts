import { EstateCache, loadSnapshot } from "@switchyard/api/estate";
import type { PrismaClient } from "@switchyard/db";
import { indexSnapshot } from "@switchyard/placement";

type TTiming = { name: string; samples: number; p50Ms: number; p99Ms: number; maxMs: number };

async function time(
  name: string,
  samples: number,
  run: () => Promise<unknown>,
  between?: () => Promise<unknown>,
) {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    await between?.();
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0) * 10) / 10;
  const row: TTiming = { name, samples, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
  console.log(
    `  ${name.padEnd(58)} p50 ${String(row.p50Ms).padStart(8)} ms   p99 ${String(row.p99Ms).padStart(8)} ms`,
  );
  return row;
}

/**
 * The estate a decision needs, before and after the in-memory estate (issue 16), in one run on
 * one database: before, every place/submit read and indexed the whole estate; after, one query
 * asks the change log what changed, and only changed rows are read and applied.
 */
export async function measureEstateRefresh(
  prisma: PrismaClient,
  { fullReads = 8 }: { fullReads?: number } = {},
): Promise<TTiming[]> {
  const node = await prisma.gpuNode.findFirstOrThrow({ where: { status: "READY" }, select: { id: true } });
  let flip = false;
  // What a schedule or a release changes: a node's allocated GPUs (and its allocation).
  const touchNode = () => {
    flip = !flip;
    return prisma.gpuNode.update({ where: { id: node.id }, data: { gpuAllocated: flip ? 1 : 0 } });
  };
  const cache = new EstateCache(prisma);
  const rows = [
    await time("before: full read + index (every place/submit)", fullReads, async () =>
      indexSnapshot(await loadSnapshot(prisma)),
    ),
    await time("after: first read (process start, or after a gap)", Math.min(3, fullReads), async () => {
      cache.invalidate();
      await cache.current();
    }),
    await time("after: nothing changed (one change-log query)", 200, () => cache.current()),
    await time(
      "after: one node changed since (query + 1 row + derive)",
      100,
      () => cache.current(),
      touchNode,
    ),
  ];
  await prisma.gpuNode.update({ where: { id: node.id }, data: { gpuAllocated: 0 } });
  return rows;
}
