/** A binary min-heap: the generators' schedules (what happens next, which event is due first). */
export class MinHeap<T> {
  private readonly items: T[] = [];

  /** `before(a, b)`: a comes out first. It must be a strict order, ties broken by the caller. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    let index = this.items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.swapIfBefore(index, parent)) return;
      index = parent;
    }
  }

  pop(): T | undefined {
    const first = this.items[0];
    const last = this.items.pop();
    if (last === undefined || this.items.length === 0) return first;
    this.items[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (this.isBefore(left, smallest)) smallest = left;
      if (this.isBefore(right, smallest)) smallest = right;
      if (smallest === index) return first;
      this.swapIfBefore(smallest, index);
      index = smallest;
    }
  }

  private isBefore(candidate: number, than: number): boolean {
    const a = this.items[candidate];
    const b = this.items[than];
    return a !== undefined && b !== undefined && this.before(a, b);
  }

  /** Swaps `child` with `parent` when it comes first; says whether it did. */
  private swapIfBefore(child: number, parent: number): boolean {
    const a = this.items[child];
    const b = this.items[parent];
    if (a === undefined || b === undefined || !this.before(a, b)) return false;
    this.items[child] = b;
    this.items[parent] = a;
    return true;
  }
}
