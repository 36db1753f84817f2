import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CHANNEL, type Tx } from './tx.js';

// Cross-node events over LISTEN/NOTIFY on one channel. A write queues its events on its Tx; they are sent
// with its COMMIT (tx.ts), so other nodes hear only of committed changes. Each node listens on one
// dedicated connection (not a pooled one: LISTEN belongs to a session) and ignores its own events, which
// the actions already handled in-process. Payload: `<node> <kind> <queue id> <count>`:
//   m  up to <count> messages may have become receivable in the queue: wake that many long polls
//   q  the queue's row, tags or mode changed: drop it from the queue cache
//   d  the queue was deleted: forget it and end its long polls
//   t  a move task was created or changed: the move-task runner looks again
// A notification can be lost (the listener's connection drops); then the node clears its cache and wakes
// every long poll (resync), and receives never wait longer than the fallback bound (messages-receive.ts).
//
// Wake-ups (m) are not sent inside the write's transaction but after it commits, batched per event-loop
// turn (wakeAfterCommit). PostgreSQL serialises the commits of all transactions that NOTIFY (one lock,
// held through the commit's WAL flush), so a pg_notify in every send capped a node at one send per fsync
// (measured: ~1,230 single sends/s at 16 in flight, the same as one commit at a time). A wake-up is a hint:
// one lost to a crash between COMMIT and the batch only delays a remote long poll to its fallback look.
// Cache and task events (q, d, t) stay in their transaction: they are rare, and must not be lost.

export type EventKind = 'm' | 'q' | 'd' | 't';

export interface RemoteEvents {
  messagesAvailable(queueId: number, count: number): void;
  queueChanged(queueId: number): void;
  queueDeleted(queueId: number): void;
  moveTasksChanged(): void;
  /** Notifications may have been missed: assume anything changed. */
  resync(): void;
}

export class Notifier {
  readonly nodeId = randomBytes(6).toString('hex');
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly listeners: RemoteEvents[] = [];
  /** Wake-ups waiting for the next batch, summed per queue. */
  private wakes = new Map<number, number>();
  private wakeScheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    /** Sends a batch of payloads with pg_notify, outside any other transaction. */
    private readonly send: (payloads: string[]) => Promise<void> = async () => {},
  ) {}

  publish(tx: Tx, kind: EventKind, queueId = 0, count = 1): void {
    tx.notify(`${this.nodeId} ${kind} ${queueId} ${count}`);
  }

  /** After a commit: up to `count` messages became receivable in the queue; other nodes hear it shortly. */
  wakeAfterCommit(queueId: number, count: number): void {
    if (count <= 0 || this.closed) return;
    this.wakes.set(queueId, (this.wakes.get(queueId) ?? 0) + count);
    this.wakeScheduled ??= setImmediate(() => void this.flushWakes());
  }

  private async flushWakes(): Promise<void> {
    this.wakeScheduled = null;
    const batch = this.wakes;
    this.wakes = new Map();
    const payloads = [...batch].map(([queueId, count]) => `${this.nodeId} m ${queueId} ${count}`);
    // A failed batch is a lost hint, no more: remote long polls fall back to their periodic look.
    await this.send(payloads).catch(() => {});
  }

  subscribe(listener: RemoteEvents): void {
    this.listeners.push(listener);
  }

  /** Resolves once LISTEN is active, so a node never serves requests deaf to other nodes. */
  async start(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (message) => this.dispatch(message.payload ?? ''));
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  async close(): Promise<void> {
    if (this.wakeScheduled) {
      clearImmediate(this.wakeScheduled);
      await this.flushWakes();
    }
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = null;
    void client.end().catch(() => {});
    const attempt = () => {
      this.retryTimer = null;
      if (this.closed) return;
      this.start().then(
        () => this.emit((l) => l.resync()),
        () => {
          this.retryTimer = setTimeout(attempt, 500);
          this.retryTimer.unref();
        },
      );
    };
    // Anything sent while deaf is lost: caches must not trust themselves, polls re-check now.
    this.emit((l) => l.resync());
    attempt();
  }

  private dispatch(payload: string): void {
    const [node, kind, id, count] = payload.split(' ');
    if (node === this.nodeId) return;
    const queueId = Number(id);
    switch (kind) {
      case 'm':
        return this.emit((l) => l.messagesAvailable(queueId, Number(count)));
      case 'q':
        return this.emit((l) => l.queueChanged(queueId));
      case 'd':
        return this.emit((l) => l.queueDeleted(queueId));
      case 't':
        return this.emit((l) => l.moveTasksChanged());
    }
  }

  private emit(call: (listener: RemoteEvents) => void): void {
    for (const listener of this.listeners) call(listener);
  }
}
