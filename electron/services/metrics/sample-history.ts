/** A bounded history for charts: the newest `capacity` items, oldest first; constant memory all day. */
export class SampleHistory<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.count): T[] {
    const take = Math.max(0, Math.min(limit, this.count));
    const result: T[] = [];
    for (let index = this.count - take; index < this.count; index++) {
      const item = this.items[(this.next - this.count + index + this.capacity) % this.capacity];
      if (item !== undefined) result.push(item);
    }
    return result;
  }
}
