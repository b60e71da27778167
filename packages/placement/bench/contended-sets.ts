/**
 * The contended instances of issue 14 (see contended.ts): the quality set that
 * `npm run bench:placement` times against HiGHS, and the survey of seeds never used to tune
 * the engine (`npm run bench:placement:survey`). Sizes are workloads × sites.
 */
export const QUALITY_SET: readonly { sites: number; workloads: number; seed: number }[] = [
  { sites: 8, workloads: 30, seed: 1 },
  { sites: 8, workloads: 30, seed: 4 },
  { sites: 12, workloads: 60, seed: 2 },
  { sites: 20, workloads: 100, seed: 3 },
  { sites: 30, workloads: 150, seed: 5 },
  { sites: 40, workloads: 200, seed: 6 },
  { sites: 50, workloads: 250, seed: 7 },
  { sites: 60, workloads: 300, seed: 8 },
];

/** 32 seeds from 2000 on, never used for tuning: 16 of 30 × 8, 10 of 60 × 12, 6 of 100 × 20. */
export const SURVEY_SET: readonly { sites: number; workloads: number; seed: number }[] = [
  ...Array.from({ length: 16 }, (_, i) => ({ sites: 8, workloads: 30, seed: 2000 + i })),
  ...Array.from({ length: 10 }, (_, i) => ({ sites: 12, workloads: 60, seed: 2100 + i })),
  ...Array.from({ length: 6 }, (_, i) => ({ sites: 20, workloads: 100, seed: 2200 + i })),
];

/**
 * Seeds the engine was developed on, besides the quality set (the survey's first draft,
 * before its seeds moved to 2000 on): `--set=dev`.
 */
export const DEV_SET: readonly { sites: number; workloads: number; seed: number }[] = [
  ...Array.from({ length: 16 }, (_, i) => ({ sites: 8, workloads: 30, seed: 1000 + i })),
  ...Array.from({ length: 10 }, (_, i) => ({ sites: 12, workloads: 60, seed: 1100 + i })),
];
