/**
 * What a connection has already read but cannot act on yet (it is authenticating, or its in-flight
 * window is full and the socket paused): the packets or lines split from the last chunk, in order.
 * Bounded by that chunk, since nothing more is read until the backlog has run. No I/O.
 */
export class Backlog<T> {
  private readonly items: T[] = [];
  private head = 0;

  get isEmpty(): boolean {
    return this.head >= this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Hands the waiting items to `handle`, oldest first, for as long as `canRun()` holds. */
  run(canRun: () => boolean, handle: (item: T) => void): void {
    while (this.head < this.items.length && canRun()) {
      const item = this.items[this.head++];
      if (item !== undefined) handle(item);
    }
    if (this.isEmpty) this.clear();
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}
