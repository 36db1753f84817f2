// Limits that depend on configuration. AWS's own values are the defaults (reference §3, §4.8).

export const AWS_MAX_MESSAGE_BYTES = 1_048_576;
export const MIN_MESSAGE_BYTES = 1_024;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
export const MAX_DELAY_SECONDS = 900;
export const MAX_WAIT_TIME_SECONDS = 20;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
export const PURGE_INTERVAL_MS = 60_000;
export const QUEUE_RECREATE_DELAY_MS = 60_000;

export interface Limits {
  /** Server ceiling for MaximumMessageSize, and the default of new queues. */
  maxMessageBytes: number;
  /** Cap on the summed size of a batch's messages (AWS: 1 MiB; raised with the ceiling). */
  maxBatchBytes: number;
  /**
   * HTTP body limit: room for form percent-encoding or JSON \u escaping, which can triple a body,
   * plus the envelope of a ten-entry batch.
   */
  maxRequestBodyBytes: number;
}

export function limitsFor(maxMessageBytes: number): Limits {
  return {
    maxMessageBytes,
    maxBatchBytes: Math.max(AWS_MAX_MESSAGE_BYTES, maxMessageBytes),
    maxRequestBodyBytes: 3 * Math.max(AWS_MAX_MESSAGE_BYTES, maxMessageBytes) + 1_048_576,
  };
}
