import { SqsError, StoreUnavailable } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { WireResponse } from './protocol.js';

/**
 * Reports one SQS request to the Metrics port: its action, outcome ('ok' or the SQS error code) and
 * duration. Takes the action's promise (not a closure) so the only per-request cost is this frame and,
 * with metrics off, none beyond the check. Unknown action names are counted as 'Unknown' so a client
 * cannot grow the label set.
 */
export async function measureAction(
  options: { services: { metrics?: Metrics }; actions: Record<string, unknown> },
  action: string,
  startedAt: number,
  answer: Promise<WireResponse>,
): Promise<WireResponse> {
  const metrics = options.services.metrics;
  if (!metrics) return answer;
  const name = Object.hasOwn(options.actions, action) ? action : 'Unknown';
  try {
    const response = await answer;
    metrics.actionCompleted(name, 'ok', startedAt);
    return response;
  } catch (error) {
    metrics.actionCompleted(name, outcomeOf(error), startedAt);
    throw error;
  }
}

/** The error code the client is answered with (dispatch's encodeFailure maps errors the same way). */
export function outcomeOf(error: unknown): string {
  if (error instanceof SqsError) return error.code;
  return error instanceof StoreUnavailable ? 'ServiceUnavailable' : 'InternalFailure';
}
