// An in-memory cache of queues by id and by name, shared by backends. Every request resolves its queue
// (and a receive its dead-letter queue) before anything else, so reading and parsing the queue row each
// time cost more than the message work of a small request.
//
// Coherence rule: every write that changes a queue (attributes, tags, purge time, mode, deletion) calls
// invalidate(id) inside the same storage operation, so the next read after that write loads the new row.
// A backend on a shared database also calls invalidate(id) when another node announces a change to the
// queue (e.g. PostgreSQL LISTEN/NOTIFY), and clear() when it may have missed announcements. Misses are not
// cached: a name that does not exist is looked up each time, so probing names cannot grow the cache.

export interface CachedQueueShape {
  readonly id: number;
  readonly account: string;
  readonly name: string;
}

export interface QueueLoader<Q> {
  byId(id: number): Q | undefined;
  byName(account: string, name: string): Q | undefined;
}

export class QueueCache<Q extends CachedQueueShape> {
  private readonly byIdMap = new Map<number, Q>();
  /** Keyed by nameKey(account, name). */
  private readonly idByName = new Map<string, number>();

  constructor(private readonly load: QueueLoader<Q>) {}

  byId(id: number): Q | undefined {
    const cached = this.byIdMap.get(id);
    if (cached) return cached;
    return this.remember(this.load.byId(id));
  }

  byName(account: string, name: string): Q | undefined {
    const id = this.idByName.get(nameKey(account, name));
    const cached = id === undefined ? undefined : this.byIdMap.get(id);
    if (cached) return cached;
    return this.remember(this.load.byName(account, name));
  }

  invalidate(id: number): void {
    const cached = this.byIdMap.get(id);
    if (!cached) return;
    this.byIdMap.delete(id);
    this.idByName.delete(nameKey(cached.account, cached.name));
  }

  clear(): void {
    this.byIdMap.clear();
    this.idByName.clear();
  }

  private remember(queue: Q | undefined): Q | undefined {
    if (!queue) return undefined;
    this.byIdMap.set(queue.id, queue);
    this.idByName.set(nameKey(queue.account, queue.name), queue.id);
    return queue;
  }
}

// Account ids are digits, so a slash cannot make two (account, name) pairs collide.
const nameKey = (account: string, name: string) => `${account}/${name}`;
