interface QueuedEvent<Payload> {
  readonly time: number;
  /** Insertion order: events due at the same time come out first in, first out. */
  readonly sequence: number;
  readonly payload: Payload;
}

/** A min-heap of events ordered by simulated time (ms), ties broken by insertion order. */
export class EventQueue<Payload> {
  readonly #heap: QueuedEvent<Payload>[] = [];
  #nextSequence = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(time: number, payload: Payload): void {
    this.#heap.push({ time, sequence: this.#nextSequence++, payload });
    this.#siftUp(this.#heap.length - 1);
  }

  /** The earliest event, removed from the queue; undefined when the queue is empty. */
  pop(): { readonly time: number; readonly payload: Payload } | undefined {
    const heap = this.#heap;
    const first = heap[0];
    if (first === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.#siftDown(0);
    }
    return first;
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!comesBefore(heap[index], heap[parent])) return;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let earliest = index;
      if (left < heap.length && comesBefore(heap[left], heap[earliest])) earliest = left;
      if (right < heap.length && comesBefore(heap[right], heap[earliest])) earliest = right;
      if (earliest === index) return;
      [heap[index], heap[earliest]] = [heap[earliest], heap[index]];
      index = earliest;
    }
  }
}

function comesBefore<Payload>(a: QueuedEvent<Payload>, b: QueuedEvent<Payload>): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
