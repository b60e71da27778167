/**
 * Rectangular linear assignment: each of `rows` rows takes a distinct column of `cols`
 * (rows ≤ cols), minimising the sum of `cost[r * cols + c]`. The Hungarian method with
 * potentials and shortest augmenting paths (Kuhn–Munkres as refined by Jonker and
 * Volgenant): O(rows² × cols), exact. Costs must be finite; a pair that may not be chosen
 * gets a cost above any sum of allowed ones. Returns the column of each row. Pure and
 * deterministic: ties go to the lower column.
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number): Int32Array {
  if (rows > cols) throw new Error(`assignment needs rows (${rows}) ≤ columns (${cols})`);
  if (cost.length !== rows * cols) throw new Error("assignment cost matrix has the wrong size");
  // 1-based as in the textbook statement; column 0 is the virtual start of each search.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const rowOf = new Int32Array(cols + 1); // row matched to each column, 0 = free
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let r = 1; r <= rows; r++) {
    rowOf[0] = r;
    let c0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[c0] = 1;
      const r0 = rowOf[c0] as number;
      const base = (r0 - 1) * cols;
      let delta = Number.POSITIVE_INFINITY;
      let c1 = 0;
      for (let c = 1; c <= cols; c++) {
        if (used[c] === 1) continue;
        const reduced = (cost[base + c - 1] as number) - (u[r0] as number) - (v[c] as number);
        if (reduced < (minv[c] as number)) {
          minv[c] = reduced;
          way[c] = c0;
        }
        if ((minv[c] as number) < delta) {
          delta = minv[c] as number;
          c1 = c;
        }
      }
      for (let c = 0; c <= cols; c++) {
        if (used[c] === 1) {
          const rr = rowOf[c] as number;
          u[rr] = (u[rr] as number) + delta;
          v[c] = (v[c] as number) - delta;
        } else minv[c] = (minv[c] as number) - delta;
      }
      c0 = c1;
    } while ((rowOf[c0] as number) !== 0);
    // Flip the augmenting path back to the start.
    do {
      const c1 = way[c0] as number;
      rowOf[c0] = rowOf[c1] as number;
      c0 = c1;
    } while (c0 !== 0);
  }
  const colOf = new Int32Array(rows).fill(-1);
  for (let c = 1; c <= cols; c++) {
    const r = rowOf[c] as number;
    if (r > 0) colOf[r - 1] = c - 1;
  }
  return colOf;
}
