/**
 * The sum of the `count` smallest of `values` (1 ≤ count ≤ values.length) and the count-th
 * smallest itself, in expected O(n) instead of a sort's O(n log n): the Lagrangian bound asks
 * this once per subgradient step over every workload of a batch. `scratch` (at least as long
 * as `values`) is overwritten; `values` is left alone.
 *
 * Quickselect with Hoare partitioning (equal values split evenly, so many ties stay linear)
 * and a median-of-three pivot: deterministic, no random numbers. A range that keeps shrinking
 * too slowly (adversarial orders) is sorted instead, so the worst case stays O(n log n).
 */
export function smallestSum(
  values: Float64Array,
  scratch: Float64Array,
  count: number,
): { readonly sum: number; readonly threshold: number } {
  const n = values.length;
  if (count < 1 || count > n) throw new RangeError(`count ${count} is outside 1..${n}`);
  const a = scratch.subarray(0, n);
  a.set(values);
  const k = count - 1;
  let lo = 0;
  let hi = n - 1;
  // Each round should at least halve the range; allow twice the rounds that takes.
  let rounds = 2 * Math.ceil(Math.log2(n + 1)) + 4;
  while (hi > lo) {
    if (--rounds < 0) {
      a.subarray(lo, hi + 1).sort();
      break;
    }
    const pivot = medianOfThree(a[lo] as number, a[(lo + hi) >>> 1] as number, a[hi] as number);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and everything between j and i equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  let sum = 0;
  for (let r = 0; r < count; r++) sum += a[r] as number;
  return { sum, threshold: a[k] as number };
}

function medianOfThree(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}
