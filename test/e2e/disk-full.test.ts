import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// A full disk through the SDKs: the store is capped with PRAGMA max_page_count (about 1.6 MiB here), which
// fills it as a full file system would, without privileges. Sends answer ServiceUnavailable (503, which
// the SDKs retry) while receives, deletes and purges drain it; /health says read-only; sends come back on
// the next maintenance tick after space returns, with no restart.

describe.each(clientFactories)('a full disk over $protocol', ({ make }) => {
  let server: TestServer;
  let sqs: SqsUnderTest;
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-e2e-full-'));
  beforeAll(async () => {
    server = await startServer({ dataDir, storage: { diskReserveBytes: 256 * 1024, maxPageCount: 400, durability: 'relaxed' } });
    sqs = make(server.url);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const health = async () => {
    const res = await fetch(`${server.url}/health`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  };

  it('lets consumers drain while sends are refused, and takes sends again when space returns', async () => {
    // given a queue filled until a send is refused
    const QueueUrl = (await sqs.call('CreateQueue', { QueueName: 'full' })).QueueUrl;
    const body = 'x'.repeat(8_000);
    let acknowledged = 0;
    let refused;
    while (!refused && acknowledged < 5_000) {
      refused = await sqs.call('SendMessage', { QueueUrl, MessageBody: body }).then(() => void (acknowledged += 1), (error) => error);
    }
    const refusal = await failureOf(Promise.reject(refused));
    expect(refusal).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    expect(refusal.message).toMatch(/the disk is full/);
    expect(await health()).toMatchObject({ status: 503, body: { status: 'read-only' } });
    // when consumers drain it
    let received = 0;
    for (;;) {
      const { Messages = [] } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10 });
      if (Messages.length === 0) break;
      const deleted = await sqs.call('DeleteMessageBatch', {
        QueueUrl,
        Entries: Messages.map((m: { ReceiptHandle: string }, i: number) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      });
      expect(deleted.Failed ?? []).toEqual([]);
      received += Messages.length;
    }
    // then every acknowledged message was delivered, and the next tick turns sends back on
    expect(received).toBe(acknowledged);
    await server.services.storage.maintenance(Date.now());
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok' } });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'after' });
    // and a purge works while the store is read-only again
    while ((await sqs.call('SendMessage', { QueueUrl, MessageBody: body }).then(() => true, () => false)));
    await sqs.call('PurgeQueue', { QueueUrl });
    expect((await sqs.call('ReceiveMessage', { QueueUrl })).Messages ?? []).toEqual([]);
    const check = new Database(join(dataDir, 'wharf.db'), { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });
});
