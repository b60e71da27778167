"use client";

import { useMemo } from "react";
import { SITE_KIND_COLOR, type TSiteKind } from "~/components/badges";
import { MAP_HEIGHT, MAP_WIDTH, project, WorldLand } from "~/components/map/world";
import { spreadOverlapping } from "~/lib/map-layout";
import { COVERAGE_LABEL, COVERAGE_TONE, type TCoverageStatus } from "./coverage";

export type TCoverageRegion = {
  region: string;
  status: TCoverageStatus;
  demandRps: number;
  servedRps: number;
  maxLatencyMs: number;
  latencyMs?: number | null;
  servedBy: readonly { siteId: string }[];
};
export type TCoverageReplica = { siteId: string; siteName: string };
export type TPlace = { name: string; label: string; latitude: number; longitude: number };
export type TReplicaSite = { id: string; name: string; kind: string; latitude: number; longitude: number };

const REGION_R = 9;
const SITE_R = 5;
/** The narrowest view drawn, in map units: a continent, not a street. */
const MIN_VIEW_WIDTH = 220;
const PAD = 40;

/** The part of the map around these points (all of it when they spread wide), and its scale. */
function viewAround(points: { x: number; y: number }[]) {
  if (points.length === 0) return { x: 0, y: 0, width: MAP_WIDTH, height: MAP_HEIGHT, k: 1 };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const aspect = MAP_HEIGHT / MAP_WIDTH;
  let width = Math.max(MIN_VIEW_WIDTH, Math.max(...xs) - Math.min(...xs) + 2 * PAD);
  width = Math.min(MAP_WIDTH, Math.max(width, (Math.max(...ys) - Math.min(...ys) + 2 * PAD) / aspect));
  const height = width * aspect;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const x = clamp((Math.min(...xs) + Math.max(...xs)) / 2 - width / 2, MAP_WIDTH - width);
  const y = clamp((Math.min(...ys) + Math.max(...ys)) / 2 - height / 2, MAP_HEIGHT - height);
  return { x, y, width, height, k: width / MAP_WIDTH };
}

function regionWords(r: TCoverageRegion, place: TPlace) {
  const latency = r.latencyMs === undefined || r.latencyMs === null ? "no latency" : `${r.latencyMs} ms`;
  return `${r.region} (${place.label}): ${COVERAGE_LABEL[r.status]}, ${latency} against a ${r.maxLatencyMs} ms SLO, ${r.servedRps} of ${r.demandRps} req/s served`;
}

/**
 * A plan on the world map: each user region a circle coloured as the table's dot (its served
 * latency against its SLO), each replica site a square, and a line from a region to every site
 * whose replicas serve it. The table next to it holds the same data; regions that have no
 * coordinates are listed under the map.
 */
export function CoverageMap({
  title,
  regions,
  replicas,
  places,
  sites,
  testId,
}: {
  title: string;
  regions: readonly TCoverageRegion[];
  replicas: readonly TCoverageReplica[];
  places: readonly TPlace[];
  sites: readonly TReplicaSite[];
  testId: string;
}) {
  const drawn = useMemo(() => {
    const placeOf = new Map(places.map((p) => [p.name, p]));
    const replicasAt = new Map<string, number>();
    for (const r of replicas) replicasAt.set(r.siteId, (replicasAt.get(r.siteId) ?? 0) + 1);
    const sitePoints = sites
      .filter((s) => replicasAt.has(s.id))
      .map((s) => {
        const xy = project(s);
        return xy ? { ...s, ...xy, replicas: replicasAt.get(s.id) ?? 0 } : null;
      })
      .filter((s): s is NonNullable<typeof s> => s !== null);
    const regionPoints = regions.flatMap((r) => {
      const place = placeOf.get(r.region);
      const xy = place ? project(place) : null;
      return place && xy ? [{ ...r, ...xy, place }] : [];
    });
    // Zoomed to what the plan covers; marks keep their size on screen.
    const view = viewAround([...sitePoints, ...regionPoints]);
    const siteMarks = spreadOverlapping(sitePoints.map((s) => ({ ...s, r: SITE_R * view.k })));
    const siteAt = new Map(siteMarks.map((s) => [s.id, s]));
    const regionMarks = regionPoints.map((r) => ({
      ...r,
      servers: [...new Set(r.servedBy.map((s) => s.siteId))]
        .map((id) => siteAt.get(id))
        .filter((s): s is NonNullable<typeof s> => s !== undefined),
    }));
    const unplaced = regions
      .filter((r) => !regionMarks.some((m) => m.region === r.region))
      .map((r) => r.region);
    return { siteMarks, regionMarks, unplaced, view };
  }, [regions, replicas, places, sites]);

  const covered = regions.filter((r) => r.status === "covered").length;
  const summary = `${title}: coverage map of ${regions.length} user regions (${covered} covered within SLO) and ${drawn.siteMarks.length} replica sites`;
  return (
    <figure className="border-b border-border p-3" data-testid={testId}>
      <svg
        viewBox={`${drawn.view.x} ${drawn.view.y} ${drawn.view.width} ${drawn.view.height}`}
        className="h-auto max-h-[28rem] w-full"
        aria-label={summary}
        data-testid="coverage-map"
      >
        <title>{summary}</title>
        <WorldLand />
        <g aria-hidden>
          {drawn.regionMarks.flatMap((r) =>
            r.servers.map((s) => (
              <line
                key={`${r.region}-${s.id}`}
                x1={r.x}
                y1={r.y}
                x2={s.cx}
                y2={s.cy}
                stroke={COVERAGE_TONE[r.status]}
                strokeWidth={1.2}
                vectorEffect="non-scaling-stroke"
                strokeOpacity={0.8}
                data-testid="coverage-line"
              />
            )),
          )}
          {drawn.siteMarks
            .filter((s) => s.cx !== s.x || s.cy !== s.y)
            .map((s) => (
              <line
                key={`leader-${s.id}`}
                x1={s.x}
                y1={s.y}
                x2={s.cx}
                y2={s.cy}
                stroke="var(--muted)"
                strokeWidth={0.6}
                vectorEffect="non-scaling-stroke"
              />
            ))}
        </g>
        {drawn.regionMarks.map((r) => (
          // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG group is no control; the role names the region for assistive technology
          <g
            key={r.region}
            role="img"
            aria-label={regionWords(r, r.place)}
            data-testid="coverage-region"
            data-region={r.region}
            data-status={r.status}
          >
            <title>{regionWords(r, r.place)}</title>
            <circle
              cx={r.x}
              cy={r.y}
              r={REGION_R * drawn.view.k}
              fill={`color-mix(in oklch, ${COVERAGE_TONE[r.status]} 35%, transparent)`}
              stroke={COVERAGE_TONE[r.status]}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
            />
            {/* The served latency beside the region, so the map reads without the table. */}
            <text
              x={r.x + REGION_R * drawn.view.k * 1.4}
              y={r.y + REGION_R * drawn.view.k * 0.45}
              fontSize={11 * drawn.view.k}
              fill="var(--foreground)"
              aria-hidden
            >
              {r.region} · {r.latencyMs === undefined || r.latencyMs === null ? "—" : `${r.latencyMs} ms`}/
              {r.maxLatencyMs} ms
            </text>
          </g>
        ))}
        {drawn.siteMarks.map((s) => {
          const words = `Replica site ${s.name}: ${s.replicas} ${s.replicas === 1 ? "replica" : "replicas"}`;
          return (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG group is no control; the role names the site for assistive technology
            <g key={s.id} role="img" aria-label={words} data-testid="coverage-site" data-site={s.id}>
              <title>{words}</title>
              <rect
                x={s.cx - s.r}
                y={s.cy - s.r}
                width={s.r * 2}
                height={s.r * 2}
                fill={SITE_KIND_COLOR[s.kind as TSiteKind] ?? "var(--foreground)"}
                stroke="var(--surface)"
                strokeWidth={1.2}
                vectorEffect="non-scaling-stroke"
              />
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-muted">
        {(Object.keys(COVERAGE_LABEL) as TCoverageStatus[]).map((status) => (
          <span key={status} className="inline-flex items-center gap-1.5">
            <span className="size-2.5 rounded-full" style={{ backgroundColor: COVERAGE_TONE[status] }} />
            {COVERAGE_LABEL[status]}
          </span>
        ))}
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 bg-foreground" /> replica site (colour: environment)
        </span>
        <span>Lines: which replica sites serve a region</span>
      </figcaption>
      {drawn.unplaced.length > 0 ? (
        <p className="mt-2 text-xs" data-testid="coverage-unplaced">
          Not on the map (no coordinates for the user region): {drawn.unplaced.join(", ")}
        </p>
      ) : null}
    </figure>
  );
}
