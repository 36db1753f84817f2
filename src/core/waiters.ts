import type { Clock } from './clock.js';
import type { QueueId } from './types.js';

export interface WaitOptions {
  /** Clock instant (epoch ms) after which the wait ends with nothing. */
  until: number;
  signal?: AbortSignal;
  /**
   * The queue's version read before the caller last looked for messages. If a notify happened since,
   * the wait returns at once, so a message sent between "found nothing" and "started waiting" is not missed.
   */
  sinceVersion: number;
}

interface Waiter {
  settle: () => void;
}

/**
 * Long-poll waiters, parked per queue and woken by events (send, visibility reset, redrive, move) or by
 * their own deadline — never by polling. One timer per waiter, cleared when it settles.
 */
export class WaitRegistry {
  private readonly waiters = new Map<QueueId, Set<Waiter>>();
  private readonly versions = new Map<QueueId, number>();
  private closed_ = false;

  constructor(private readonly clock: Clock) {}

  /** After close() no wait blocks, so pollers must stop looping and answer with what they have. */
  get closed(): boolean {
    return this.closed_;
  }

  version(queueId: QueueId): number {
    return this.versions.get(queueId) ?? 0;
  }

  wait(queueId: QueueId, options: WaitOptions): Promise<void> {
    const delayMs = options.until - this.clock.now();
    if (this.closed_ || delayMs <= 0 || options.signal?.aborted || this.version(queueId) !== options.sinceVersion) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const set = this.waiters.get(queueId) ?? new Set<Waiter>();
      this.waiters.set(queueId, set);
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', settle);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(queueId) === set) this.waiters.delete(queueId);
        resolve();
      };
      const waiter: Waiter = { settle };
      const timer = setTimeout(settle, delayMs);
      options.signal?.addEventListener('abort', settle, { once: true });
      set.add(waiter);
    });
  }

  /**
   * Up to `count` messages may have become receivable in this queue (or may become so earlier than its
   * waiters planned): wake that many of its waiters, longest-waiting first, which then try to claim. A
   * waiter that claims a full batch passes the turn on (see receive-message.ts), so waking fewer never
   * strands messages; waking all would make every parked poll of a busy queue race for one message.
   */
  notify(queueId: QueueId, count = 1): void {
    this.versions.set(queueId, this.version(queueId) + 1);
    const set = this.waiters.get(queueId);
    if (!set) return;
    let woken = 0;
    for (const waiter of set) {
      if (woken >= count) break;
      waiter.settle();
      woken += 1;
    }
  }

  /** The queue is gone: every waiter returns now, and nothing is kept for it. */
  forget(queueId: QueueId): void {
    const set = this.waiters.get(queueId);
    if (set) for (const waiter of [...set]) waiter.settle();
    this.waiters.delete(queueId);
    this.versions.delete(queueId);
  }

  /**
   * The virtual clock moved (test controls): every parked poll wakes, claims again at the new time and
   * re-plans its wait, so messages whose delay or visibility timeout has now passed are received and a
   * poll whose deadline (measured in virtual time) is behind it answers empty.
   */
  recheckAll(): void {
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.settle();
  }

  /** Queues with parked waiters or a version: bounded by the live queues (for tests and diagnostics). */
  get trackedQueues(): number {
    return new Set([...this.waiters.keys(), ...this.versions.keys()]).size;
  }

  /** Shutdown: every waiter returns (its receive answers with what it has, usually nothing). */
  close(): void {
    this.closed_ = true;
    for (const set of [...this.waiters.values()]) for (const waiter of [...set]) waiter.settle();
  }

  waitingCount(queueId: QueueId): number {
    return this.waiters.get(queueId)?.size ?? 0;
  }
}
