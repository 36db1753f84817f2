import type { Services } from '../../core/context.js';
import { QUEUE_DOES_NOT_EXIST } from '../../core/errors.js';
import { queueSettings } from '../../core/queue-attributes.js';
import { parseQueueArn, queueArnOf } from '../../core/queue-url.js';
import type { MoveTaskRecord, QueueId, QueueRecord } from '../../core/types.js';

/** Messages moved per transaction when a task has no rate limit (AWS: "system optimised"). */
const UNLIMITED_BATCH = 100;
const TICK_MS = 1_000;
/**
 * With a shared database (several nodes), each task runs on the node holding its lease; the holder renews
 * it every tick, and if it dies the others, which keep ticking while a task they do not hold is RUNNING,
 * take the task over once the lease has expired. A batch commits its moves and its count together, so a
 * takeover mid-task neither repeats nor skips a message.
 */
const TASK_LEASE_MS = 5_000;

/**
 * Runs message move tasks in the background, one batch per transaction, so requests are never blocked
 * and a crash loses or duplicates nothing (storage counts a batch in the same transaction that moves it).
 * Rate-limited tasks move at most MaxNumberOfMessagesPerSecond each tick of one second.
 */
export class MoveTaskRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly services: Services) {}

  async start(): Promise<void> {
    // A task cancelled just before a crash finishes cancelling; RUNNING tasks simply resume.
    for (const task of await this.services.storage.activeMoveTasks()) {
      if (task.status === 'CANCELLING') await this.services.storage.setMoveTaskStatus(task.taskId, 'CANCELLED');
    }
    this.schedule(0);
  }

  wake(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedule(delayMs);
      this.running = this.tick()
        .catch((err: unknown) => this.services.log.error({ err }, 'message move task tick failed'))
        .finally(() => {
          this.running = null;
        });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const tasks = (await this.services.storage.activeMoveTasks()).filter((task) => task.status === 'RUNNING');
    if (tasks.length === 0) return;
    // One queue lookup per tick serves every task (destinations and back-to-source moves resolve by ARN).
    const { storage, identity } = this.services;
    const queues = await storage.listQueues({ limit: 100_000 });
    const byArn = new Map(queues.map((queue) => [queueArnOf(identity.region, queue), queue]));
    let unlimitedWork = false;
    for (const task of tasks) {
      if (storage.holdLease && !(await storage.holdLease(`move-task:${task.taskId}`, TASK_LEASE_MS))) continue;
      const moved = await this.advance(task, byArn);
      if (moved > 0 && task.maxPerSecond === null) unlimitedWork = true;
    }
    this.schedule(unlimitedWork ? 0 : TICK_MS);
  }

  /** Moves one tick's worth of messages for a task; completes or fails it when appropriate. */
  private async advance(task: MoveTaskRecord, byArn: ReadonlyMap<string, QueueRecord>): Promise<number> {
    const { storage, clock, waiters } = this.services;
    const destination = task.destinationArn === null ? null : byArn.get(task.destinationArn);
    if (destination === undefined || !byArn.has(task.sourceArn)) {
      await storage.setMoveTaskStatus(task.taskId, 'FAILED', QUEUE_DOES_NOT_EXIST);
      return 0;
    }
    const retentionOf = (attributes: Record<string, string>) => queueSettings(attributes).messageRetentionPeriodSeconds * 1000;
    const batchSize = task.maxPerSecond ?? UNLIMITED_BATCH;
    const result = await storage.moveMessages(task.taskId, {
      sourceQueueId: task.sourceQueueId,
      destinationQueueId: destination?.id ?? null,
      resolveSource: (arn) => {
        const queue = parseQueueArn(arn) ? byArn.get(arn) : undefined;
        return queue ? { queueId: queue.id, retentionMs: retentionOf(queue.attributes) } : null;
      },
      destinationRetentionMs: destination ? retentionOf(destination.attributes) : 0,
      max: batchSize,
      now: clock.now(),
    });
    for (const queueId of new Set<QueueId>(result.movedTo)) waiters.notify(queueId, result.moved);
    // A short batch means nothing movable is left (storage moves every receivable message it can).
    if (result.moved < batchSize) await storage.setMoveTaskStatus(task.taskId, 'COMPLETED');
    return result.moved;
  }
}
