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
/**
 * AWS quotas (sqs-limits.html, quotas-fifo.html): at most 120,000 messages in flight per queue. A standard
 * queue answers ReceiveMessage with OverLimit (403) at the limit; a FIFO queue "does not return an error",
 * it returns no more messages until some are deleted or become visible again (reference §4.8).
 */
export const AWS_MAX_IN_FLIGHT_MESSAGES = 120_000;
/** Floor of the default bytes-in-flight limit: small ceilings still admit many concurrent small requests. */
const MIN_DEFAULT_REQUEST_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

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
  /**
   * Request bodies being received or served at once, by Content-Length. A request that would pass it is
   * answered RequestThrottled (retryable) before its body is read, so memory stays bounded under a flood of
   * large sends. One request is always admitted when nothing else is in flight.
   */
  maxRequestBytesInFlight: number;
  /** In-flight messages per standard queue before ReceiveMessage answers OverLimit. */
  maxInFlightStandard: number;
  /** In-flight messages per FIFO queue before ReceiveMessage returns nothing more (no error, as AWS). */
  maxInFlightFifo: number;
}

/** `overrides` lets tests (and --max-request-bytes-in-flight) replace a derived value. */
export function limitsFor(maxMessageBytes: number, overrides: Partial<Omit<Limits, 'maxMessageBytes'>> = {}): Limits {
  const maxRequestBodyBytes = 3 * Math.max(AWS_MAX_MESSAGE_BYTES, maxMessageBytes) + 1_048_576;
  return {
    maxMessageBytes,
    maxBatchBytes: Math.max(AWS_MAX_MESSAGE_BYTES, maxMessageBytes),
    maxRequestBodyBytes,
    maxRequestBytesInFlight: defaultRequestBytesInFlight(maxMessageBytes),
    maxInFlightStandard: AWS_MAX_IN_FLIGHT_MESSAGES,
    maxInFlightFifo: AWS_MAX_IN_FLIGHT_MESSAGES,
    ...overrides,
  };
}

/**
 * Room for 16 of the largest messages the ceiling allows in transit together (their bodies are about the
 * size of the message, and each decoded request holds about three copies of it), and never less than
 * 64 MiB: 64 MiB at the default 1 MiB ceiling, 1 GiB at the 64 MiB maximum.
 */
export function defaultRequestBytesInFlight(maxMessageBytes: number): number {
  return Math.max(MIN_DEFAULT_REQUEST_BYTES_IN_FLIGHT, 16 * Math.max(AWS_MAX_MESSAGE_BYTES, maxMessageBytes));
}
