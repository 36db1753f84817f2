import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientFactories, makeJsonClient, type SqsUnderTest } from '../helpers/clients.js';
import { spawnWharf, stopWharf } from '../helpers/process.js';
import { startServer } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-durable-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function drain(sqs: SqsUnderTest, QueueUrl: string): Promise<any[]> {
  const all: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 });
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

describe.each(clientFactories)('restart over $protocol', ({ protocol, make }) => {
  it('keeps queues, attributes, tags, in-flight state and receive counts', async () => {
    const dataDir = tempDir();
    let server = await startServer({ dataDir });
    let sqs = make(server.url);
    const { QueueUrl } = await sqs.call('CreateQueue', {
      QueueName: `${protocol}-restart`,
      Attributes: { VisibilityTimeout: '2', DelaySeconds: '0' },
      tags: { owner: 'ops' },
    });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'in flight' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'waiting' });
    const [inFlight] = (await sqs.call('ReceiveMessage', { QueueUrl })).Messages;
    await server.close();

    server = await startServer({ dataDir });
    sqs = make(server.url);
    const url = `${server.url}/000000000000/${protocol}-restart`;
    expect((await sqs.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).Attributes).toMatchObject({
      VisibilityTimeout: '2',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect((await sqs.call('ListQueueTags', { QueueUrl: url })).Tags).toEqual({ owner: 'ops' });
    const { Messages } = await sqs.call('ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 5,
      AttributeNames: ['ApproximateReceiveCount'],
    });
    expect(Messages.map((m: any) => m.Body)).toContain('waiting');
    const again = Messages.find((m: any) => m.MessageId === inFlight.MessageId) ??
      (await sqs.call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 5, AttributeNames: ['ApproximateReceiveCount'] })).Messages[0];
    expect(again.MessageId).toBe(inFlight.MessageId);
    expect(again.Attributes.ApproximateReceiveCount).toBe('2');
    await server.close();
  });
});

describe('kill -9', () => {
  it('loses no acknowledged send and resurrects no acknowledged delete', async () => {
    const dataDir = tempDir();
    let wharf = await spawnWharf(['--data-dir', dataDir, '--log-level', 'info']);
    let sqs = makeJsonClient(wharf.url);
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'crash' });

    // Some messages are received and deleted before the crash; their deletes were acknowledged.
    const deleted = new Set<string>();
    for (let i = 0; i < 20; i++) await sqs.call('SendMessage', { QueueUrl, MessageBody: `early-${i}` });
    for (const message of (await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 })).Messages) {
      await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
      deleted.add(message.MessageId);
    }

    // 16 concurrent senders; the server is killed while their requests are in flight.
    const acknowledged = new Set<string>();
    let stop = false;
    const sender = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const { MessageId } = await sqs.call('SendMessage', { QueueUrl, MessageBody: `w${worker}-${i}` });
          acknowledged.add(MessageId);
        } catch {
          return; // the server died under this request: it was never acknowledged
        }
      }
    };
    const senders = Array.from({ length: 16 }, (_, worker) => sender(worker));
    await expect.poll(() => acknowledged.size, { timeout: 15_000 }).toBeGreaterThan(300);
    wharf.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    expect(await wharf.exited).toBe('SIGKILL');
    sqs.destroy();

    wharf = await spawnWharf(['--data-dir', dataDir]);
    sqs = makeJsonClient(wharf.url);
    const survivors = await drain(sqs, `${wharf.url}/000000000000/crash`);
    const survivorIds = new Set(survivors.map((m) => m.MessageId));
    const lost = [...acknowledged].filter((id) => !survivorIds.has(id));
    expect(lost).toEqual([]);
    expect([...deleted].filter((id) => survivorIds.has(id))).toEqual([]);
    expect(survivors.filter((m) => m.Body.startsWith('early-'))).toHaveLength(10);
    sqs.destroy();
    expect(await stopWharf(wharf)).toBe(0);
  }, 60_000);
});
