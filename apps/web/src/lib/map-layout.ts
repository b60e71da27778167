/** A circle on the map: where its site is (x, y) and how big it is drawn (r). */
export type TMapPoint = { id: string; x: number; y: number; r: number };

/** Where a circle is drawn (cx, cy): at its site, or moved aside with a line back to it. */
export type TPlacedPoint<T extends TMapPoint> = T & { cx: number; cy: number };

const GAP = 1.5;
const MAX_ROUNDS = 12;

/**
 * Sites in one city (an on-prem data center, a cloud region and an edge site in Frankfurt)
 * would be drawn on top of each other, and a click would open whichever is on top. Circles
 * that overlap are gathered into groups, and each group is drawn as a ring around the mean
 * of its sites, far enough apart that no two touch; a lone circle stays where its site is.
 * A ring can reach a neighbour: then the two groups merge and the layout is redone, until
 * nothing overlaps (or a few rounds have passed). Deterministic: members ordered by id.
 */
export function spreadOverlapping<T extends TMapPoint>(points: readonly T[]): TPlacedPoint<T>[] {
  const parent = points.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    return root;
  };
  const overlaps = (a: { x: number; y: number; r: number }, b: { x: number; y: number; r: number }) =>
    Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r + GAP;

  let drawn = points.map((p) => ({ x: p.x, y: p.y, r: p.r }));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let merged = false;
    for (let i = 0; i < points.length; i++)
      for (let j = i + 1; j < points.length; j++) {
        if (find(i) === find(j) || !overlaps(drawn[i] as never, drawn[j] as never)) continue;
        parent[find(i)] = find(j);
        merged = true;
      }
    if (!merged && round > 0) break;
    drawn = layout(points, find);
  }
  return points.map((p, i) => ({
    ...p,
    cx: (drawn[i] as { x: number }).x,
    cy: (drawn[i] as { y: number }).y,
  }));
}

/** Each group as a ring around the mean of its sites; a group of one where its site is. */
function layout<T extends TMapPoint>(points: readonly T[], groupOf: (i: number) => number) {
  const groups = new Map<number, number[]>();
  points.forEach((_, i) => {
    const root = groupOf(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const drawn = points.map((p) => ({ x: p.x, y: p.y, r: p.r }));
  for (const members of groups.values()) {
    if (members.length === 1) continue;
    const sorted = [...members].sort((a, b) => {
      const ia = (points[a] as T).id;
      const ib = (points[b] as T).id;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    const centreX = sorted.reduce((sum, i) => sum + (points[i] as T).x, 0) / sorted.length;
    const centreY = sorted.reduce((sum, i) => sum + (points[i] as T).y, 0) / sorted.length;
    const largest = Math.max(...sorted.map((i) => (points[i] as T).r));
    // Neighbours on a ring of radius R are 2·R·sin(π/k) apart: at least two of the largest radii.
    const ring = (largest + GAP) / Math.sin(Math.PI / sorted.length);
    sorted.forEach((i, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / sorted.length;
      drawn[i] = {
        x: centreX + ring * Math.cos(angle),
        y: centreY + ring * Math.sin(angle),
        r: (points[i] as T).r,
      };
    });
  }
  return drawn;
}
