/** Max-heap of (key, id); equal keys pop the lower id first, so the order is deterministic. */
export class MaxHeap {
  private readonly keys: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  topKey(): number {
    return this.keys[0] ?? Number.NEGATIVE_INFINITY;
  }

  push(key: number, id: number): void {
    this.keys.push(key);
    this.ids.push(id);
    this.up(this.ids.length - 1);
  }

  /** Removes the top; returns its id, or -1 when empty. */
  pop(): { key: number; id: number } | undefined {
    const n = this.ids.length;
    if (n === 0) return undefined;
    const top = { key: this.keys[0] as number, id: this.ids[0] as number };
    const lastKey = this.keys.pop() as number;
    const lastId = this.ids.pop() as number;
    if (n > 1) {
      this.keys[0] = lastKey;
      this.ids[0] = lastId;
      this.down(0);
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ki = this.keys[i] as number;
    const kj = this.keys[j] as number;
    return ki > kj || (ki === kj && (this.ids[i] as number) < (this.ids[j] as number));
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
    const id = this.ids[i] as number;
    this.ids[i] = this.ids[j] as number;
    this.ids[j] = id;
  }

  private up(i: number): void {
    let at = i;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    let at = i;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let best = at;
      if (left < n && this.before(left, best)) best = left;
      if (right < n && this.before(right, best)) best = right;
      if (best === at) return;
      this.swap(at, best);
      at = best;
    }
  }
}
