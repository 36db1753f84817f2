import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { WaitRegistry } from '../../src/core/waiters.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WaitRegistry', () => {
  it('wakes a waiter on notify for its queue only', async () => {
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    let woke = false;
    const waiting = waiters.wait(1, { until: clock.now() + 20_000, sinceVersion: waiters.version(1) }).then(() => (woke = true));
    waiters.notify(2);
    await Promise.resolve();
    expect(woke).toBe(false);
    waiters.notify(1);
    await waiting;
    expect(waiters.waitingCount(1)).toBe(0);
  });

  it('wakes only as many waiters as messages became available, longest-waiting first', async () => {
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    const woke: string[] = [];
    const park = (name: string) =>
      waiters.wait(1, { until: clock.now() + 20_000, sinceVersion: waiters.version(1) }).then(() => woke.push(name));
    const parked = [park('first'), park('second'), park('third')];
    waiters.notify(1, 2);
    await Promise.all(parked.slice(0, 2));
    expect(woke).toEqual(['first', 'second']);
    expect(waiters.waitingCount(1)).toBe(1);
    waiters.notify(1);
    await parked[2];
  });

  it('forgets a deleted queue: its waiters return and nothing is kept for it', async () => {
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    const parked = [1, 2].map(() => waiters.wait(7, { until: clock.now() + 20_000, sinceVersion: waiters.version(7) }));
    waiters.notify(8);
    expect(waiters.trackedQueues).toBe(2);
    waiters.forget(7);
    waiters.forget(8);
    await Promise.all(parked);
    expect(waiters.waitingCount(7)).toBe(0);
    expect(waiters.trackedQueues).toBe(0);
  });

  it('ends a wait at its deadline', async () => {
    vi.useFakeTimers();
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    const waiting = waiters.wait(1, { until: clock.now() + 5_000, sinceVersion: 0 });
    expect(waiters.waitingCount(1)).toBe(1);
    vi.advanceTimersByTime(5_000);
    await waiting;
    expect(waiters.waitingCount(1)).toBe(0);
  });

  it('returns at once when a notify happened since the caller looked (no lost wake-up)', async () => {
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    const seen = waiters.version(1);
    waiters.notify(1);
    await waiters.wait(1, { until: clock.now() + 20_000, sinceVersion: seen });
    expect(waiters.waitingCount(1)).toBe(0);
  });

  it('settles on abort and on close', async () => {
    const clock = new FakeClock();
    const waiters = new WaitRegistry(clock);
    const controller = new AbortController();
    const aborted = waiters.wait(1, { until: clock.now() + 20_000, signal: controller.signal, sinceVersion: 0 });
    const closed = waiters.wait(2, { until: clock.now() + 20_000, sinceVersion: 0 });
    controller.abort();
    await aborted;
    expect(waiters.waitingCount(1)).toBe(0);
    waiters.close();
    await closed;
    await waiters.wait(3, { until: clock.now() + 20_000, sinceVersion: 0 });
    expect(waiters.waitingCount(3)).toBe(0);
  });
});
