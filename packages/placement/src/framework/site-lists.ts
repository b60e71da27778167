import type { TIndexedSite, TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { memoize } from "../snapshot/prepared-snapshot";

/** Ascending indices of the sites that satisfy `test`, computed once per snapshot and key. */
export function sitesWhere(
  prepared: TPreparedSnapshot,
  key: string,
  test: (site: TIndexedSite) => boolean,
): readonly number[] {
  return memoize(prepared, `sites:${key}`, () => prepared.sites.filter(test).map((site) => site.idx));
}

/** Intersection of ascending index lists. */
export function intersectSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Membership array for a site list; cached per list object, so memoized lists pay once. */
export function maskOf(prepared: TPreparedSnapshot, list: readonly number[]): Uint8Array {
  const masks = memoize(prepared, "site-masks", () => new WeakMap<readonly number[], Uint8Array>());
  let mask = masks.get(list);
  if (mask === undefined) {
    mask = new Uint8Array(prepared.sites.length);
    for (const idx of list) mask[idx] = 1;
    masks.set(list, mask);
  }
  return mask;
}
