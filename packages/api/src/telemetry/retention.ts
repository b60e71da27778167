const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How long each resolution is kept: raw samples a day, 5-minute rollups 30 days, hourly a year. */
export const RETENTION_MS = { raw: DAY_MS, "5m": 30 * DAY_MS, "1h": 365 * DAY_MS } as const;

export type TResolution = keyof typeof RETENTION_MS;

/** The width of each rollup bucket. */
export const BUCKET_MS = { "5m": 5 * 60_000, "1h": HOUR_MS } as const;
