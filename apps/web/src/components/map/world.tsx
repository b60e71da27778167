import { geoNaturalEarth1, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import land110m from "world-atlas/land-110m.json";

/** The console's world maps (sites, a service's coverage): one projection, one land shape. */
export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 470;

// Offline map data (world-atlas, Natural Earth 1:110m): nothing is fetched at run time.
const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
const LAND = feature(topology, topology.objects.land);
export const PROJECTION = geoNaturalEarth1().fitExtent(
  [
    [4, 4],
    [MAP_WIDTH - 4, MAP_HEIGHT - 4],
  ],
  { type: "Sphere" },
);
const LAND_PATH = geoPath(PROJECTION)(LAND) ?? "";

/** Where a place is drawn, or null when the projection cannot place it. */
export function project(place: { latitude: number; longitude: number }): { x: number; y: number } | null {
  const xy = PROJECTION([place.longitude, place.latitude]);
  return xy ? { x: xy[0], y: xy[1] } : null;
}

/** The land, under whatever a map draws. */
export function WorldLand() {
  return (
    <path
      d={LAND_PATH}
      fill="color-mix(in oklch, var(--foreground) 9%, transparent)"
      stroke="var(--border)"
      strokeWidth={0.5}
      vectorEffect="non-scaling-stroke"
    />
  );
}
