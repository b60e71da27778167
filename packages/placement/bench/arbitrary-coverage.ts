// npx tsx packages/placement/bench/arbitrary-coverage.ts [samples] [seed]
// (The generators before issue 21, measured the same way on seed 1: feasible 21.1%, feasible
// gang 2.3%, feasible regulated 0.5%, "*" quota applies 20.6%, egress 0.8%, a "*" quota
// decides a batch 0.0%.) What each share means: src/testing/coverage.ts. The unit test
// tests/generator-coverage.test.ts keeps the rule-exercising shares at a third or more.
import { generatorCoverage } from "../src/testing/coverage";

const samples = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);
const { batches, ...shares } = generatorCoverage(samples, seed);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
console.log(
  JSON.stringify({
    seed,
    batches,
    ...Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, k === "samples" ? v : pct(v)])),
  }),
);
