// Time is injected so tests can move it (FakeClock) instead of sleeping.
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand; long-poll timers still use real time, so advance() also wakes waiters via the caller. */
export class FakeClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: number): void {
    this.current = at;
  }
}

/**
 * The --test-controls clock: real time plus an offset that tests grow (POST /_wharf/clock). Time keeps
 * flowing between moves, so timers planned in real time (long-poll deadlines, move-task ticks) stay right
 * until the next move, after which the owner re-plans them (WaitRegistry.recheckAll). It never moves back:
 * visibility, dedup windows and the 60-second rules are facts about the past that a rewind would contradict.
 */
export class VirtualClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  /** Returns false (and changes nothing) when asked to move backwards. */
  advance(ms: number): boolean {
    if (!(ms >= 0) || !Number.isFinite(ms)) return false;
    this.offsetMs += ms;
    return true;
  }
  /** Returns false (and changes nothing) when `at` is before now. */
  set(at: number): boolean {
    return this.advance(at - this.now());
  }
  get offset(): number {
    return this.offsetMs;
  }
}
