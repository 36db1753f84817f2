import { describe, expect, it } from 'vitest';
import { measureAction } from '../../src/api/measure-action.js';
import { SqsErrors, StoreUnavailable } from '../../src/core/errors.js';
import type { Metrics } from '../../src/core/metrics.js';

// Request metrics count each failure under the code the client was answered with.
describe('measureAction', () => {
  it('labels a failure with the SQS code its answer carries', async () => {
    const outcomes: string[] = [];
    const metrics = { actionCompleted: (_name: string, outcome: string) => outcomes.push(outcome) } as unknown as Metrics;
    const options = { services: { metrics }, actions: { SendMessage: {} } };
    const fail = (error: unknown) => measureAction(options, 'SendMessage', 0, Promise.reject(error)).catch(() => undefined);
    await fail(SqsErrors.queueDoesNotExist());
    await fail(new StoreUnavailable('the disk is full'));
    await fail(new Error('bug'));
    expect(outcomes).toEqual(['AWS.SimpleQueueService.NonExistentQueue', 'ServiceUnavailable', 'InternalFailure']);
  });
});
