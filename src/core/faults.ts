import { type SqsError, SqsErrors } from './errors.js';

// Injected failures for --test-controls (POST /_wharf/faults): the next N calls, or a fraction of calls, of
// an action (optionally on one queue) fail with an AWS error and/or answer late. dispatch asks before each
// action runs, so the error is encoded in the request's own protocol and counted by metrics like a real one.

/** The errors a fault may raise, by the name users write (the JSON error name, or the Query code). */
export const FAULT_ERRORS = {
  RequestThrottled: SqsErrors.requestThrottled,
  ThrottlingException: SqsErrors.throttlingException,
  ServiceUnavailable: () => SqsErrors.serviceUnavailable('Service is unavailable; retry the request.'),
  InternalError: SqsErrors.internalError,
  KmsThrottled: SqsErrors.kmsThrottled,
} as const satisfies Record<string, () => SqsError>;

export type FaultErrorName = keyof typeof FAULT_ERRORS;

export interface FaultSpec {
  /** An SQS action name such as `SendMessage`; omitted or `*` matches every action. */
  action?: string;
  /** Only calls naming this queue (by QueueUrl) are affected. */
  queueName?: string;
  error?: FaultErrorName;
  /** Extra time before answering (and before the error, if any). */
  latencyMs?: number;
  /** Affect this many matching calls, then the fault removes itself. */
  count?: number;
  /** Affect each matching call with this probability (0..1); stays until cleared. */
  fraction?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Calls this fault has affected so far. */
  hits: number;
}

/** Validates a spec from the wire; returns an error message or the spec. */
export function checkFaultSpec(spec: FaultSpec): string | null {
  if (spec.error === undefined && spec.latencyMs === undefined) return 'give an error, a latencyMs, or both';
  if (spec.error !== undefined && !Object.hasOwn(FAULT_ERRORS, spec.error)) {
    return `error must be one of ${Object.keys(FAULT_ERRORS).join(', ')}`;
  }
  if (spec.count !== undefined && spec.fraction !== undefined) return 'give count or fraction, not both';
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) return 'count must be a positive integer';
  if (spec.fraction !== undefined && !(spec.fraction > 0 && spec.fraction <= 1)) return 'fraction must be > 0 and <= 1';
  if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0 && spec.latencyMs <= 60_000)) return 'latencyMs must be 0..60000';
  return null;
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  /** The caller has checked the spec with checkFaultSpec. */
  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, action: spec.action === '*' ? undefined : spec.action, id: `fault-${this.nextId++}`, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults.length = 0;
  }

  get active(): boolean {
    return this.faults.length > 0;
  }

  /**
   * Before an action runs: the first fault that matches and fires delays the call and/or throws its error.
   * A counted fault is used up by calls it affects; calls it does not match leave it alone.
   */
  async before(action: string, queueName: string | null): Promise<void> {
    const index = this.faults.findIndex((fault) => this.fires(fault, action, queueName));
    if (index < 0) return;
    const fault = this.faults[index]!;
    fault.hits += 1;
    if (fault.count !== undefined && fault.hits >= fault.count) this.faults.splice(index, 1);
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.error) throw FAULT_ERRORS[fault.error]();
  }

  private fires(fault: Fault, action: string, queueName: string | null): boolean {
    if (fault.action !== undefined && fault.action !== action) return false;
    if (fault.queueName !== undefined && fault.queueName !== queueName) return false;
    return fault.fraction === undefined || this.random() < fault.fraction;
  }
}
