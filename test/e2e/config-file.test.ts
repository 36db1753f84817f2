import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFactories, makeJsonClient } from '../helpers/clients.js';
import { spawnWharf, stopWharf } from '../helpers/process.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function startupFailure(args: string[]): Promise<{ code: number; stderr: string }> {
  const result = await run(process.execPath, ['dist/main.js', '--port', '0', '--host', '127.0.0.1', ...args]).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );
  return { code: result.code, stderr: result.stderr };
}

describe('config file', () => {
  it('provisions examples/wharf.yaml, checked over both protocols', async () => {
    // given the example file
    const wharf = await spawnWharf(['--config', 'examples/wharf.yaml', '--data-dir', mkdtempSync(join(dir, 'data-'))]);
    try {
      for (const { make } of clientFactories) {
        const sqs = make(wharf.url);
        // then every queue exists with the file's attributes, dead-letter targets and tags
        const { QueueUrls } = await sqs.call('ListQueues', {});
        expect(QueueUrls.map((url: string) => url.split('/').at(-1)).sort()).toEqual(['events-dlq.fifo', 'events.fifo', 'orders', 'orders-dlq']);
        const url = (name: string) => `${wharf.url}/000000000000/${name}`;
        const attributes = async (name: string) => (await sqs.call('GetQueueAttributes', { QueueUrl: url(name), AttributeNames: ['All'] })).Attributes;
        expect(await attributes('orders')).toMatchObject({
          VisibilityTimeout: '45',
          ReceiveMessageWaitTimeSeconds: '20',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 3 }),
        });
        expect(await attributes('orders-dlq')).toMatchObject({ MessageRetentionPeriod: '1209600' });
        expect(await attributes('events.fifo')).toMatchObject({
          FifoQueue: 'true',
          ContentBasedDeduplication: 'true',
          DeduplicationScope: 'messageGroup',
          FifoThroughputLimit: 'perMessageGroupId',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:events-dlq.fifo', maxReceiveCount: 5 }),
        });
        expect((await attributes('events-dlq.fifo')).FifoQueue).toBe('true');
        expect((await sqs.call('ListQueueTags', { QueueUrl: url('orders') })).Tags).toEqual({ team: 'payments' });
        expect((await sqs.call('ListQueueTags', { QueueUrl: url('events.fifo') })).Tags).toEqual({ team: 'platform', tier: 'gold' });
        const { queueUrls } = await sqs.call('ListDeadLetterSourceQueues', { QueueUrl: url('orders-dlq') });
        expect(queueUrls.map((u: string) => u.split('/').at(-1))).toEqual(['orders']);
        sqs.destroy();
      }
    } finally {
      expect(await stopWharf(wharf)).toBe(0);
    }
  });

  it('sets attributes and tags to the file on every start, and leaves unlisted queues and attributes alone', async () => {
    // given a running server whose queues were changed by clients
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const first = fileWith('first.yaml', 'queues:\n  - name: jobs\n    attributes: { DelaySeconds: 5 }\n    tags: { a: "1", b: "2" }\n');
    let wharf = await spawnWharf(['--config', first, '--data-dir', dataDir]);
    let sqs = makeJsonClient(wharf.url);
    const jobs = `${wharf.url}/000000000000/jobs`;
    await sqs.call('CreateQueue', { QueueName: 'by-hand' });
    await sqs.call('SetQueueAttributes', { QueueUrl: jobs, Attributes: { MaximumMessageSize: '2048' } });
    sqs.destroy();
    await stopWharf(wharf);
    // when it restarts with a changed file (given through WHARF_CONFIG)
    const second = fileWith('second.yaml', 'queues:\n  - name: jobs\n    attributes: { DelaySeconds: 7 }\n    tags: { b: "3", c: "4" }\n');
    wharf = await spawnWharf(['--data-dir', dataDir], { WHARF_CONFIG: second });
    sqs = makeJsonClient(wharf.url);
    try {
      // then
      const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl: jobs, AttributeNames: ['All'] });
      expect(Attributes).toMatchObject({ DelaySeconds: '7', MaximumMessageSize: '2048' });
      expect((await sqs.call('ListQueueTags', { QueueUrl: jobs })).Tags).toEqual({ b: '3', c: '4' });
      expect((await sqs.call('GetQueueUrl', { QueueName: 'by-hand' })).QueueUrl).toContain('by-hand');
    } finally {
      sqs.destroy();
      await stopWharf(wharf);
    }
  });

  // Every file error is covered in test/unit/config-file.test.ts; here, through the real process: one the
  // file's schema catches, and ones only the SQS actions catch.
  it.each([
    ['an unknown DLQ target', 'queues:\n  - name: a\n    deadLetter: { queue: b, maxReceiveCount: 2 }\n', 'queues[0].deadLetter.queue: unknown dead-letter queue "b"'],
    ['an attribute the action refuses', 'queues:\n  - name: a\n    attributes: { VisibilityTimeout: 999999 }\n', 'queues[0].attributes: SetQueueAttributes refused: Invalid value for the parameter VisibilityTimeout'],
    ['a bad queue name', 'queues:\n  - name: "no spaces"\n', 'queues[0]: CreateQueue refused: Can only include alphanumeric'],
  ])('stops startup with exit 2 on %s, naming the file and key path', async (_case, text, message) => {
    const path = fileWith('bad.yaml', text);
    const failure = await startupFailure(['--config', path, '--data-dir', mkdtempSync(join(dir, 'data-'))]);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain(`${path}: ${message}`);
  });

  it('stops startup with exit 2 when the file is missing', async () => {
    const failure = await startupFailure(['--config', join(dir, 'nope.yaml')]);
    expect(failure).toEqual({ code: 2, stderr: expect.stringContaining(`${join(dir, 'nope.yaml')}: cannot read the configuration file`) });
  });
});
