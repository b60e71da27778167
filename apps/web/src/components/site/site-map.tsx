"use client";

import Link from "next/link";
import { useMemo } from "react";
import { SITE_KIND_COLOR, SITE_KIND_LABEL, type TSiteKind } from "~/components/badges";
import { MAP_HEIGHT, MAP_WIDTH, project, WorldLand } from "~/components/map/world";
import { formatInt } from "~/lib/format";
import { spreadOverlapping } from "~/lib/map-layout";

export type TSiteLocation = {
  id: string;
  name: string;
  kind: TSiteKind;
  latitude: number;
  longitude: number;
  gpusTotal: number;
  gpusAllocated: number;
};

/** Sites on a world map, one colour per environment, area by GPU count. */
export function SiteMap({ sites }: { sites: TSiteLocation[] }) {
  const points = useMemo(
    () =>
      spreadOverlapping(
        sites
          .map((site) => {
            const xy = project(site);
            return xy ? { ...site, ...xy, r: 3 + Math.sqrt(site.gpusTotal) / 2.2 } : null;
          })
          .filter((p): p is NonNullable<typeof p> => p !== null)
          // Big sites first so small ones stay clickable on top.
          .sort((a, b) => b.r - a.r),
      ),
    [sites],
  );
  return (
    // No role="img" on the svg: each site's circle in it is a link, and an image holds no controls.
    <figure className="rounded-lg border border-border bg-surface p-3" data-testid="site-map">
      <svg viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} className="h-auto w-full">
        <title>Map of the sites</title>
        <WorldLand />
        {points
          .filter((p) => p.cx !== p.x || p.cy !== p.y)
          .map((p) => (
            // A site moved aside so it can be told from its neighbours: a line to where it is.
            <g key={`leader-${p.id}`} aria-hidden>
              <line
                x1={p.x}
                y1={p.y}
                x2={p.cx}
                y2={p.cy}
                stroke={SITE_KIND_COLOR[p.kind]}
                strokeWidth={0.8}
              />
              <circle cx={p.x} cy={p.y} r={1.5} fill={SITE_KIND_COLOR[p.kind]} />
            </g>
          ))}
        {points.map((p) => (
          <Link key={p.id} href={`/sites/${p.id}`} aria-label={p.name}>
            <circle
              cx={p.cx}
              cy={p.cy}
              r={p.r}
              fill={`color-mix(in oklch, ${SITE_KIND_COLOR[p.kind]} 55%, transparent)`}
              stroke={SITE_KIND_COLOR[p.kind]}
              strokeWidth={1.2}
              data-kind={p.kind}
            >
              <title>{`${p.name} · ${SITE_KIND_LABEL[p.kind]} · ${formatInt(p.gpusAllocated)} of ${formatInt(p.gpusTotal)} GPUs allocated`}</title>
            </circle>
          </Link>
        ))}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-muted">
        {(Object.keys(SITE_KIND_LABEL) as TSiteKind[]).map((kind) => (
          <span key={kind} className="inline-flex items-center gap-1.5">
            <span className="size-2.5 rounded-full" style={{ backgroundColor: SITE_KIND_COLOR[kind] }} />
            {SITE_KIND_LABEL[kind]}
          </span>
        ))}
        <span>Circle area: GPUs at the site</span>
      </figcaption>
    </figure>
  );
}
