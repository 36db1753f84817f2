import type { Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import type { FaultRegistry } from './faults.js';
import type { Lifecycle } from './lifecycle.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { WaitRegistry } from './waiters.js';

/** The part of pino's logger that handlers use; keeps core free of a logging library. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ServerIdentity {
  region: string;
  /** The account of every caller while authentication is off, and of unsigned admin work (provisioning). */
  accountId: string;
  /**
   * True when authentication maps each caller to its own account: a queue URL then addresses the account
   * it names. While false every queue belongs to `accountId` and the account in a URL is not looked at
   * (clients that build URLs by hand keep working, as with other emulators).
   */
  multiAccount?: boolean;
}

/** Per-request facts the api layer learns from HTTP and hands to a handler (never the protocol). */
export interface RequestContext {
  /** Origin queue URLs are built on, e.g. `http://localhost:9324` (config --base-url or the Host header). */
  baseUrl: string;
  /** Aborted when the client disconnects; long polls stop waiting. */
  signal: AbortSignal;
  /** The HTTP `X-Amzn-Trace-Id` header, which AWS turns into the AWSTraceHeader system attribute. */
  traceHeader?: string;
  /** SenderId for sent messages: the caller's access key id when signed, else the account id. */
  senderId: string;
  /** The caller's account: it owns the queues the caller creates and lists. */
  accountId: string;
}

/** Long-lived dependencies, built once by main.ts (or a test) and shared by every request. */
export interface Services {
  storage: Storage;
  clock: Clock;
  limits: Limits;
  waiters: WaitRegistry;
  identity: ServerIdentity;
  log: Logger;
  /** Wakes the background message-move runner after a task is started or cancelled. */
  onMoveTaskChanged?: () => void;
  /** Counters for GET /metrics; unset when metrics are off (and in tests that do not look at them). */
  metrics?: Metrics;
  /** starting/ok/stopping for GET /health; without one (tests, embedders) the server is always ok. */
  lifecycle?: Lifecycle;
  /** Injected failures (--test-controls only); unset in production, so dispatch skips the check. */
  faults?: FaultRegistry;
}

export interface ActionContext extends Services {
  request: RequestContext;
}
