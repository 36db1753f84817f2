import { describe, expect, it } from 'vitest';
import { FaultRegistry, checkFaultSpec } from '../../src/core/faults.js';

const outcome = (registry: FaultRegistry, action: string, queue: string | null) =>
  registry.before(action, queue).then(
    () => 'ok',
    (error: { code: string }) => error.code,
  );

describe('FaultRegistry', () => {
  it('fails the next N matching calls, leaves other actions and queues alone, then removes itself', async () => {
    // given
    const registry = new FaultRegistry();
    registry.add({ action: 'SendMessage', queueName: 'orders', error: 'RequestThrottled', count: 2 });
    // when / then
    expect(await outcome(registry, 'SendMessage', 'other')).toBe('ok');
    expect(await outcome(registry, 'ReceiveMessage', 'orders')).toBe('ok');
    expect(await outcome(registry, 'SendMessage', 'orders')).toBe('RequestThrottled');
    expect(registry.list()).toMatchObject([{ hits: 1 }]);
    expect(await outcome(registry, 'SendMessage', 'orders')).toBe('RequestThrottled');
    expect(await outcome(registry, 'SendMessage', 'orders')).toBe('ok');
    expect(registry.active).toBe(false);
  });

  it('fails a fraction of calls, chosen by the injected random source, until cleared', async () => {
    const draws = [0.05, 0.5, 0.09];
    const registry = new FaultRegistry(() => draws.shift() ?? 1);
    registry.add({ error: 'KmsThrottled', fraction: 0.1 });
    expect(await outcome(registry, 'SendMessage', null)).toBe('KMS.ThrottlingException');
    expect(await outcome(registry, 'SendMessage', null)).toBe('ok');
    expect(await outcome(registry, 'DeleteMessage', null)).toBe('KMS.ThrottlingException');
    registry.clear();
    expect(registry.list()).toEqual([]);
  });

  it('rejects specs that would do nothing or are ambiguous', () => {
    expect(checkFaultSpec({})).toMatch(/error, a latencyMs/);
    expect(checkFaultSpec({ error: 'InternalError', count: 1, fraction: 0.5 })).toMatch(/not both/);
    expect(checkFaultSpec({ error: 'InternalError', count: 0 })).toMatch(/positive/);
    expect(checkFaultSpec({ error: 'Nope' as never })).toMatch(/one of/);
    expect(checkFaultSpec({ latencyMs: 5 })).toBeNull();
  });
});
