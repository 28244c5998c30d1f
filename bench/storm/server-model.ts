/**
 * A simulated server: what it answers a call made at a simulated time. It is asked in time order
 * (the event queue guarantees it), which lets the capacity model count per slot without a history.
 */
export interface SimulatedServer {
  /** The error the call is refused with, or undefined when the server serves it. */
  answer(time: number): unknown;
}

/**
 * The classic contention model: time is cut into slots of `slotMs`, and each slot serves its first
 * `capacity` calls; every call beyond them is refused.
 */
export class SlottedCapacityServer implements SimulatedServer {
  #slot = -1;
  #servedInSlot = 0;

  constructor(
    readonly capacity: number,
    readonly slotMs: number,
    readonly refusal: () => unknown,
  ) {}

  answer(time: number): unknown {
    const slot = Math.floor(time / this.slotMs);
    if (slot !== this.#slot) {
      this.#slot = slot;
      this.#servedInSlot = 0;
    }
    if (this.#servedInSlot >= this.capacity) return this.refusal();
    this.#servedInSlot += 1;
    return undefined;
  }
}

/** Refuses every call before `outageEndsAt`, and serves every call from then on (no capacity limit). */
export class OutageServer implements SimulatedServer {
  constructor(
    readonly outageEndsAt: number,
    readonly refusal: () => unknown,
  ) {}

  answer(time: number): unknown {
    return time < this.outageEndsAt ? this.refusal() : undefined;
  }
}
