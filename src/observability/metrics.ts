import { performance } from 'node:perf_hooks';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../core/metrics.js';
import type { Storage } from '../storage/storage.js';

// The prom-client implementation of the Metrics port, one per server (R6: no module state, so no global
// registry). Counters live in memory and restart at 0 (Prometheus' rate() expects that); the per-queue
// gauges are read from the store at scrape time, so nothing on the hot path keeps them.
//
// Hot-path cost: each call is a Map lookup of a cached label child and an add. Children are cached per
// queue name and per action/outcome because prom-client's inc({labels}) hashes the label object on every
// call. Label values are bounded: queue names exist (actions resolve the queue first), action names come
// from the registry ('Unknown' otherwise) and outcomes from the SQS error table.

const SIZE_BUCKETS = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304];
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 25];
const LIST_PAGE = 1000;

/** Per-queue gauges, named after CloudWatch's SQS metrics, in the order queueGauges() writes them. */
const GAUGES = [
  ['wharf_approximate_number_of_messages_visible', 'Messages available for retrieval (ApproximateNumberOfMessagesVisible).'],
  ['wharf_approximate_number_of_messages_not_visible', 'Messages in flight (ApproximateNumberOfMessagesNotVisible).'],
  ['wharf_approximate_number_of_messages_delayed', 'Messages delayed and not yet available (ApproximateNumberOfMessagesDelayed).'],
  ['wharf_approximate_age_of_oldest_message_seconds', 'Age of the oldest message in the queue (ApproximateAgeOfOldestMessage).'],
] as const;

interface QueueChildren {
  sent: Counter.Internal;
  received: Counter.Internal;
  deleted: Counter.Internal;
  emptyReceives: Counter.Internal;
  deduplicated: Counter.Internal;
  size: Histogram.Internal<'queue' | 'account'>;
}

interface ActionChildren {
  duration: Histogram.Internal<'action'>;
  outcomes: Map<string, Counter.Internal>;
}

export interface PrometheusMetricsOptions {
  storage: Storage;
  accountId: string;
  now: () => number;
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly queues = new Map<string, QueueChildren>();
  private readonly actions = new Map<string, ActionChildren>();
  private readonly counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [this.registry] });

  private readonly sent = this.counter('wharf_number_of_messages_sent_total', 'Messages stored by SendMessage(Batch) (CloudWatch NumberOfMessagesSent).', ['queue', 'account']);
  private readonly received = this.counter('wharf_number_of_messages_received_total', 'Messages returned by ReceiveMessage (NumberOfMessagesReceived).', ['queue', 'account']);
  private readonly deleted = this.counter('wharf_number_of_messages_deleted_total', 'Messages deleted by DeleteMessage(Batch) (NumberOfMessagesDeleted).', ['queue', 'account']);
  private readonly emptyReceives = this.counter('wharf_number_of_empty_receives_total', 'ReceiveMessage calls that returned no message (NumberOfEmptyReceives).', ['queue', 'account']);
  private readonly deduplicated = this.counter('wharf_number_of_deduplicated_sent_messages_total', 'FIFO sends dropped as duplicates inside the deduplication window (NumberOfDeduplicatedSentMessages).', ['queue', 'account']);
  private readonly size = new Histogram({
    name: 'wharf_sent_message_size_bytes',
    help: 'Size of stored messages, body plus attributes (SentMessageSize).',
    labelNames: ['queue', 'account'],
    buckets: SIZE_BUCKETS,
    registers: [this.registry],
  });
  private readonly requests = this.counter('wharf_requests_total', 'SQS requests answered, by action and outcome (ok or the SQS error code).', ['action', 'outcome']);
  private readonly duration = new Histogram({
    name: 'wharf_request_duration_seconds',
    help: 'Time from decoding an SQS request to its answer, by action (long polls included).',
    labelNames: ['action'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  constructor(private readonly options: PrometheusMetricsOptions) {
    collectDefaultMetrics({ register: this.registry, prefix: 'wharf_' });
  }

  messageSent(queue: string, sizeBytes: number): void {
    const children = this.queue(queue);
    children.sent.inc();
    children.size.observe(sizeBytes);
  }

  messageDeduplicated(queue: string): void {
    this.queue(queue).deduplicated.inc();
  }

  messagesReceived(queue: string, count: number): void {
    const children = this.queue(queue);
    if (count === 0) children.emptyReceives.inc();
    else children.received.inc(count);
  }

  messagesDeleted(queue: string, count: number): void {
    if (count > 0) this.queue(queue).deleted.inc(count);
  }

  actionCompleted(action: string, outcome: string, startedAt: number): void {
    let children = this.actions.get(action);
    if (!children) {
      children = { duration: this.duration.labels(action), outcomes: new Map() };
      this.actions.set(action, children);
    }
    let counter = children.outcomes.get(outcome);
    if (!counter) {
      counter = this.requests.labels(action, outcome);
      children.outcomes.set(outcome, counter);
    }
    counter.inc();
    children.duration.observe((performance.now() - startedAt) / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition: every counter and histogram, then the per-queue gauges read now. */
  async scrape(): Promise<string> {
    const gauges = await this.queueGauges();
    return `${await this.registry.metrics()}${gauges}`;
  }

  // Written as text rather than through prom-client Gauges: setting 40,000 labelled values per scrape
  // (10,000 queues) cost ~650 ms in prom-client's label hashing and serialisation, against ~20 ms here.
  // Queue names and account ids need no escaping ([A-Za-z0-9_.-] and digits).
  private async queueGauges(): Promise<string> {
    const { storage, accountId } = this.options;
    const lines: string[][] = GAUGES.map(([name, help]) => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`]);
    const now = this.options.now();
    let afterName: string | undefined;
    for (;;) {
      const page = await storage.listQueues({ afterName, limit: LIST_PAGE });
      for (const queue of page) {
        const labels = `{queue="${queue.name}",account="${accountId}"} `;
        const stats = await storage.queueStats(queue.id, now);
        const oldestSentAt = await storage.oldestMessageSentAt(queue.id, now);
        const ageSeconds = oldestSentAt === null ? 0 : Math.max(0, Math.floor((now - oldestSentAt) / 1000));
        const values = [stats.visible, stats.inFlight, stats.delayed, ageSeconds];
        for (let i = 0; i < GAUGES.length; i++) lines[i]!.push(`${GAUGES[i]![0]}${labels}${values[i]}`);
      }
      if (page.length < LIST_PAGE) break;
      afterName = page.at(-1)!.name;
    }
    return `${lines.map((family) => family.join('\n')).join('\n')}\n`;
  }

  private queue(name: string): QueueChildren {
    let children = this.queues.get(name);
    if (!children) {
      const account = this.options.accountId;
      children = {
        sent: this.sent.labels(name, account),
        received: this.received.labels(name, account),
        deleted: this.deleted.labels(name, account),
        emptyReceives: this.emptyReceives.labels(name, account),
        deduplicated: this.deduplicated.labels(name, account),
        size: this.size.labels(name, account),
      };
      // Series start at 0 rather than appearing at the first event, so rate() and absent() behave.
      for (const counter of [children.sent, children.received, children.deleted, children.emptyReceives, children.deduplicated]) counter.inc(0);
      this.queues.set(name, children);
    }
    return children;
  }
}
