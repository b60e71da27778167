/**
 * Samples waiting to be sent, oldest first, never more than `capacity`: when the server is
 * away long enough to fill it, the oldest samples are dropped (and counted), so memory stays
 * bounded and what is sent when it comes back is the most recent history.
 */
export class SampleBuffer<T> {
  private items: T[] = [];
  /** Samples dropped because the buffer was full, since the agent started. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size() {
    return this.items.length;
  }

  push(items: readonly T[]) {
    this.items.push(...items);
    this.trim();
  }

  /** Removes and returns up to `max` of the oldest samples. */
  take(max: number): T[] {
    return this.items.splice(0, max);
  }

  /** Puts a batch that could not be sent back in front, as the oldest. */
  putBack(items: readonly T[]) {
    this.items.unshift(...items);
    this.trim();
  }

  private trim() {
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
    }
  }
}
