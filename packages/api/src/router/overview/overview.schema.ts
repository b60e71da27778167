import { z } from "zod";
import { zDate } from "../../lib/input.ts";

export const MAX_DASHBOARD_DAYS = 366;

/** overview.dashboard: the time range the dashboards draw, at most a year. */
export const ZDashboardInput = z
  .object({ from: zDate("From"), to: zDate("To") })
  .superRefine((range, ctx) => {
    // Zod runs this even when a field failed (its issue is already raised): then it holds the
    // raw input, not a date, and there is no range to judge.
    if (!(range.from instanceof Date && range.to instanceof Date)) return;
    const ms = range.to.getTime() - range.from.getTime();
    if (ms <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "To must be after From" });
    else if (ms > MAX_DASHBOARD_DAYS * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["to"], message: `At most ${MAX_DASHBOARD_DAYS} days at once` });
  });
