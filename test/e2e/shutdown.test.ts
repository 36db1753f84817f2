import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeJsonClient, makeQueryClient } from '../helpers/clients.js';
import { spawnWharf, stopWharf, type WharfProcess } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const within = <T>(ms: number, promise: Promise<T>, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms))]);

/** Holds a request open: headers promise a body that never fully arrives, so the server stays busy. */
function stuckRequest(wharf: WharfProcess): Promise<void> {
  const { port } = new URL(wharf.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{');
      setTimeout(resolve, 200);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

it('SIGTERM under load: every answered send is stored, long polls end empty, and the process exits 0', async () => {
  // given a server under a steady send load from 8 keep-alive senders over both protocols, and 3 long polls
  const dataDir = mkdtempSync(join(dir, 'load-'));
  const wharf = await spawnWharf(['--data-dir', dataDir]);
  const clients = [makeJsonClient(wharf.url), makeQueryClient(wharf.url)];
  const { QueueUrl } = await clients[0]!.call('CreateQueue', { QueueName: 'load' });
  const { QueueUrl: emptyUrl } = await clients[0]!.call('CreateQueue', { QueueName: 'empty' });
  const answered: string[] = [];
  let stop = false;
  const senders = Array.from({ length: 8 }, async (_, i) => {
    const sqs = clients[i % 2]!;
    for (let n = 0; !stop; n++) {
      try {
        const { MessageId } = await sqs.call('SendMessage', { QueueUrl, MessageBody: `s${i}-${n}` });
        answered.push(MessageId);
      } catch {
        stop = true; // refused or reset once the server stops accepting: never answered, so never counted
      }
    }
  });
  const polls = Array.from({ length: 3 }, () => clients[0]!.call('ReceiveMessage', { QueueUrl: emptyUrl, WaitTimeSeconds: 20 }));
  await expect.poll(() => answered.length, { timeout: 10_000 }).toBeGreaterThan(50);

  // when
  const signalledAt = Date.now();
  wharf.child.kill('SIGTERM');

  // then the long polls answer empty at once, the process exits 0 well within the timeout
  for (const poll of await within(5000, Promise.all(polls), 'long polls')) expect(poll.Messages ?? []).toEqual([]);
  expect(await within(10_000, wharf.exited, 'exit')).toBe(0);
  expect(Date.now() - signalledAt).toBeLessThan(10_000);
  stop = true;
  await within(5000, Promise.all(senders), 'senders');
  clients.forEach((c) => c.destroy());

  // and after a restart every answered send is there
  const again = await spawnWharf(['--data-dir', dataDir]);
  const sqs = makeJsonClient(again.url);
  const stored = new Set<string>();
  for (;;) {
    const { Messages = [] } = await sqs.call('ReceiveMessage', { QueueUrl: `${again.url}/000000000000/load`, MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
    if (Messages.length === 0) break;
    for (const m of Messages) stored.add(m.MessageId);
  }
  sqs.destroy();
  await stopWharf(again);
  expect(answered.length).toBeGreaterThan(50);
  expect(answered.filter((id) => !stored.has(id))).toEqual([]);
}, 60_000);

it('exits 1 once --shutdown-timeout passes with a request still open, and at once on a second signal', async () => {
  // given a request that never completes
  const wharf = await spawnWharf(['--data-dir', mkdtempSync(join(dir, 'stuck-')), '--shutdown-timeout', '1']);
  await stuckRequest(wharf);
  const started = Date.now();
  wharf.child.kill('SIGTERM');
  // then the deadline ends it
  expect(await within(5000, wharf.exited, 'exit after timeout')).toBe(1);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);

  // given the same, with the default 10 s timeout, a second signal exits at once
  const second = await spawnWharf(['--data-dir', mkdtempSync(join(dir, 'stuck-'))]);
  await stuckRequest(second);
  second.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const health = await fetch(`${second.url}/health`).catch(() => null);
  expect(health === null || health.status === 503).toBe(true);
  const signalledAgain = Date.now();
  second.child.kill('SIGINT');
  expect(await within(3000, second.exited, 'exit on second signal')).toBe(130);
  expect(Date.now() - signalledAgain).toBeLessThan(3000);
}, 30_000);
