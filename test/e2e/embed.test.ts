import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startWharf } from '../../src/index.js';
import { makeJsonClient } from '../helpers/clients.js';

// startWharf(): Wharf as a fixture inside the test process. stop() must free every handle it opened.

/** Handles that keep the event loop alive, by type (timers and sockets), without the test runner's own. */
const liveHandles = () => process.getActiveResourcesInfo().filter((type) => type !== 'TTYWrap' && type !== 'PipeWrap').sort();

describe('startWharf', () => {
  it('serves SQS on a free port in memory, with the controls as methods, and leaks no handle after stop()', async () => {
    // given
    const before = liveHandles();
    const startedAt = performance.now();
    const wharf = await startWharf();
    const sqs = makeJsonClient(wharf.endpoint);
    // when
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'embedded' });
    const firstAnswerMs = performance.now() - startedAt;
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hello', DelaySeconds: 60 });
    // then
    expect(wharf.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(firstAnswerMs).toBeLessThan(1_000); // ~20-40 ms measured; the target is 100 ms
    expect((await wharf.peek('embedded')).map((m) => m.body)).toEqual(['hello']);
    expect((await sqs.call('ReceiveMessage', { QueueUrl })).Messages ?? []).toEqual([]);
    const t0 = wharf.now().getTime();
    await wharf.advanceClock(60);
    expect(wharf.now().getTime()).toBeGreaterThanOrEqual(t0 + 60_000);
    expect((await sqs.call('ReceiveMessage', { QueueUrl })).Messages.map((m: any) => m.Body)).toEqual(['hello']);
    wharf.injectFault({ action: 'ListQueues', error: 'InternalError', count: 1 });
    expect(wharf.listFaults()).toHaveLength(1);
    await expect(sqs.call('ListQueues')).rejects.toMatchObject({ name: 'InternalError' });
    await wharf.reset();
    expect((await sqs.call('ListQueues')).QueueUrls ?? []).toEqual([]);
    sqs.destroy();
    await wharf.stop();
    await wharf.stop();
    await expect.poll(liveHandles).toEqual(before);
  });

  it('keeps its store in a directory when given one, and has no controls when they are turned off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wharf-embed-'));
    try {
      const wharf = await startWharf({ dataDir, testControls: false });
      const sqs = makeJsonClient(wharf.endpoint);
      await sqs.call('CreateQueue', { QueueName: 'on-disk' });
      expect(existsSync(join(dataDir, 'wharf.db'))).toBe(true);
      expect(() => wharf.now()).toThrow(/test controls are off/);
      expect((await fetch(`${wharf.endpoint}/_wharf/clock`)).status).toBe(404);
      sqs.destroy();
      await wharf.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
