// The Metrics port (STYLE §3.1 observability): what dispatch and the actions report, as plain calls with
// no library behind them here. The Prometheus implementation lives in src/observability/; tests and the
// action harness leave `Services.metrics` unset, which costs one optional-chaining check per call.

import type { QueueAddress } from './queue-url.js';

export interface Metrics {
  /** A message stored by SendMessage/SendMessageBatch (not a FIFO duplicate); its body+attributes bytes. */
  messageSent(queue: QueueAddress, sizeBytes: number): void;
  /** A FIFO send answered with the original message's id inside the deduplication window. */
  messageDeduplicated(queue: QueueAddress): void;
  /** A ReceiveMessage answer with `count` messages; 0 is an empty receive. */
  messagesReceived(queue: QueueAddress, count: number): void;
  /** Messages deleted by DeleteMessage/DeleteMessageBatch. */
  messagesDeleted(queue: QueueAddress, count: number): void;
  /**
   * One SQS request answered: `outcome` is 'ok' or the SQS error code; `startedAt` is the
   * performance.now() taken before the action ran.
   */
  actionCompleted(action: string, outcome: string, startedAt: number): void;
}
