import type { VirtualClock } from '../core/clock.js';
import type { Services } from '../core/context.js';
import { type Fault, type FaultRegistry, type FaultSpec, checkFaultSpec } from '../core/faults.js';
import type { PeekedMessage } from '../storage/storage.js';

// The --test-controls operations, shared by the HTTP API under /_wharf/ (api/controls-route.ts) and the
// handle startWharf() returns (embed.ts). Never built unless test controls are on.

export interface ClockState {
  /** Virtual now, ISO 8601. */
  now: string;
  nowMs: number;
  /** How far the virtual clock is ahead of real time. */
  offsetMs: number;
}

export interface PeekedMessageView {
  messageId: string;
  body: string;
  sentAt: string;
  visibleAt: string;
  receiveCount: number;
  messageGroupId: string | null;
  messageDeduplicationId: string | null;
  messageAttributes: PeekedMessage['attributes'];
}

export class ControlError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface ControlsDeps {
  services: Services;
  clock: VirtualClock;
  faults: FaultRegistry;
  /** After the clock moves: re-plan whatever was timed against the old time (maintenance, move tasks). */
  afterClockMove?: () => Promise<void> | void;
}

export class TestControls {
  constructor(private readonly deps: ControlsDeps) {}

  /** Every queue, message and fault is gone; waiting polls return empty. The clock keeps its time. */
  async reset(): Promise<void> {
    const { storage, waiters } = this.deps.services;
    const queues = await storage.listQueues({ limit: Number.MAX_SAFE_INTEGER });
    await storage.reset();
    for (const queue of queues) waiters.forget(queue.id);
    this.deps.faults.clear();
  }

  clock(): ClockState {
    const nowMs = this.deps.clock.now();
    return { now: new Date(nowMs).toISOString(), nowMs, offsetMs: this.deps.clock.offset };
  }

  async advanceClock(ms: number): Promise<ClockState> {
    if (!this.deps.clock.advance(ms)) throw new ControlError(400, 'advanceSeconds must be a number >= 0: the clock never moves back');
    await this.moved();
    return this.clock();
  }

  async setClock(at: number): Promise<ClockState> {
    if (!Number.isFinite(at)) throw new ControlError(400, 'set must be an ISO 8601 instant');
    if (!this.deps.clock.set(at)) throw new ControlError(400, `set must not be before the current time ${this.clock().now}`);
    await this.moved();
    return this.clock();
  }

  /** Messages of a queue in enqueue order, without changing visibility or receive counts. */
  async peek(queueName: string, limit = 100): Promise<PeekedMessageView[]> {
    const { storage, clock } = this.deps.services;
    const queue = await storage.getQueue(this.deps.services.identity.accountId, queueName);
    if (!queue) throw new ControlError(404, `no queue named ${queueName}`);
    const messages = await storage.peekMessages(queue.id, { limit, afterSeq: 0, now: clock.now() });
    return messages.map(toView);
  }

  addFault(spec: FaultSpec): Fault {
    const problem = checkFaultSpec(spec);
    if (problem) throw new ControlError(400, problem);
    return this.deps.faults.add(spec);
  }

  listFaults(): Fault[] {
    return this.deps.faults.list();
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  private async moved(): Promise<void> {
    await this.deps.afterClockMove?.();
    this.deps.services.waiters.recheckAll();
  }
}

function toView(message: PeekedMessage): PeekedMessageView {
  return {
    messageId: message.messageId,
    body: message.body,
    sentAt: new Date(message.sentAt).toISOString(),
    visibleAt: new Date(message.visibleAt).toISOString(),
    receiveCount: message.receiveCount,
    messageGroupId: message.groupId,
    messageDeduplicationId: message.deduplicationId,
    messageAttributes: message.attributes,
  };
}
