// npm run bench:fairness:survey — bench:fairness's dev trace (50 sites / 2,000 nodes, 24 h,
// both schedulers) on seeds that were never used to tune the fair round: seed 19 is the
// trace every change was measured on. Each seed is a separate estate, set of team weights and
// trace. A seed that misses the figures is a case to study, not to drop. Writes
// bench/results/fairness-survey.json at the repository root.
// `-- --seeds=a,b` runs other seeds (then writes nothing unless `--out=FILE` is given).
import { spawnSync } from "node:child_process";
// biome-ignore lint/style/noRestrictedImports: bench-only file access; src/ stays free of I/O.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeRepoJson } from "./files";

/** Never used for tuning: keep it that way (tune on seed 19, or pick new seeds for a probe). */
const SURVEY_SEEDS = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];
const TARGET_DEVIATION_PCT = 5;
const TARGET_UTILISATION_PCT = 95;

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seeds = arg("seeds")?.split(",").map(Number) ?? SURVEY_SEEDS;
const out = arg("out") ?? (arg("seeds") === undefined ? "bench/results/fairness-survey.json" : undefined);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

type TMetrics = {
  maxEntitlementDeviationPct: number;
  utilisationPctWhenOversubscribed: number | null;
  preemptionsPerHour: number;
  gpuHoursLostToPreemption: number;
};
type TRow = {
  seed: number;
  switchyard: TMetrics & {
    maxEntitlementDeviationPctOfShapeUsable: number;
    utilisationPctOfShapeUsable: number;
  };
  baseline: TMetrics & {
    maxEntitlementDeviationPctOfShapeUsable: number;
    utilisationPctOfShapeUsable: number;
  };
  oversubscribedSteps: number;
};

const started = performance.now();
const dir = mkdtempSync(join(tmpdir(), "fairness-survey-"));
const rows: TRow[] = [];
try {
  for (const seed of seeds) {
    const file = join(dir, `seed-${seed}.json`);
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/fairness.ts", "--size=dev", `--seed=${seed}`, `--out=${file}`],
      { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "ignore", "inherit"] },
    );
    if (run.status !== 0) throw new Error(`seed ${seed}: bench:fairness exited with ${run.status}`);
    const result = JSON.parse(readFileSync(file, "utf8"));
    const half = (mode: "switchyard" | "baseline") => ({
      ...result[mode],
      maxEntitlementDeviationPctOfShapeUsable: result.meta.maxEntitlementDeviationPctOfShapeUsable[mode],
      utilisationPctOfShapeUsable: result.meta.utilisationPctOfShapeUsable[mode],
    });
    const row: TRow = {
      seed,
      switchyard: half("switchyard"),
      baseline: half("baseline"),
      oversubscribedSteps: result.meta.oversubscribedSteps.switchyard,
    };
    rows.push(row);
    console.log(
      `seed ${seed}: deviation ${row.switchyard.maxEntitlementDeviationPct}% (FIFO ${row.baseline.maxEntitlementDeviationPct}%), ` +
        `utilisation ${row.switchyard.utilisationPctWhenOversubscribed}% (FIFO ${row.baseline.utilisationPctWhenOversubscribed}%), ` +
        `${row.switchyard.preemptionsPerHour} preemptions/h`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function summary(mode: "switchyard" | "baseline") {
  const dev = rows.map((r) => r[mode].maxEntitlementDeviationPct);
  const devUsable = rows.map((r) => r[mode].maxEntitlementDeviationPctOfShapeUsable);
  const util = rows.flatMap((r) => r[mode].utilisationPctWhenOversubscribed ?? []);
  return {
    medianMaxEntitlementDeviationPct: round(median(dev)),
    worstMaxEntitlementDeviationPct: round(Math.max(...dev)),
    seedsWithinDeviationTarget: dev.filter((d) => d <= TARGET_DEVIATION_PCT).length,
    medianMaxEntitlementDeviationPctOfShapeUsable: round(median(devUsable)),
    medianUtilisationPctWhenOversubscribed: round(median(util)),
    worstUtilisationPctWhenOversubscribed: round(Math.min(...util)),
    seedsAtUtilisationTarget: util.filter((u) => u >= TARGET_UTILISATION_PCT).length,
    medianPreemptionsPerHour: round(median(rows.map((r) => r[mode].preemptionsPerHour))),
    medianGpuHoursLostToPreemption: round(median(rows.map((r) => r[mode].gpuHoursLostToPreemption))),
  };
}

const report = {
  trace: { teams: 20, hours: 24, sites: 50, nodes: 2_000, seeds: rows.length },
  targets: {
    maxEntitlementDeviationPct: TARGET_DEVIATION_PCT,
    utilisationPctWhenOversubscribed: TARGET_UTILISATION_PCT,
  },
  switchyard: summary("switchyard"),
  baseline: summary("baseline"),
  rows,
  meta: {
    note: "bench:fairness --size=dev on each seed (its own estate, team weights and trace; definitions in bench/results/fairness-dev.json's meta); seeds never used to tune the fair round (seed 19 is the tuning trace)",
    node: process.version,
    cpus: cpus().length,
    loadAverageAtEnd: loadavg().map((x) => round(x)),
    totalSeconds: round((performance.now() - started) / 1000, 1),
  },
};
console.log(JSON.stringify({ switchyard: report.switchyard, baseline: report.baseline }, null, 2));
if (out !== undefined) {
  writeRepoJson(out, report);
  console.log(`wrote ${out}`);
} else console.log("--seeds given: nothing written (add --out=FILE)");
