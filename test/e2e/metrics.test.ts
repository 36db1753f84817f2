import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories } from '../helpers/clients.js';
import { spawnWharf, stopWharf } from '../helpers/process.js';
import { scrape } from '../helpers/scrape.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ metrics: true });
});
afterAll(() => server.close());

describe.each(clientFactories)('GET /metrics over $protocol', ({ protocol, make }) => {
  it('counts sends, receives, deletes, empty receives and FIFO duplicates, and reads the gauges from the store', async () => {
    // given a standard queue and a FIFO queue
    const sqs = make(server.url);
    const queue = `metrics-${protocol}`;
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: queue });
    const fifo = await sqs.call('CreateQueue', { QueueName: `${queue}.fifo`, Attributes: { FifoQueue: 'true' } });
    // when: 3 sends (one single, a batch of 2) and one delayed send
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'abc' });
    await sqs.call('SendMessageBatch', {
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'hello', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
        { Id: 'b', MessageBody: 'x'.repeat(2000) },
      ],
    });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'later', DelaySeconds: 600 });
    // receive the 3, delete 2 of them (single and batch), then two empty receives
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 });
    expect(Messages).toHaveLength(3);
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle });
    await sqs.call('DeleteMessageBatch', { QueueUrl, Entries: [{ Id: 'd', ReceiptHandle: Messages[1].ReceiptHandle }] });
    await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
    await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 0 });
    // a FIFO message sent twice with one deduplication id, and a request that fails
    for (let i = 0; i < 2; i++) {
      await sqs.call('SendMessage', { QueueUrl: fifo.QueueUrl, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: 'd1' });
    }
    await sqs.call('GetQueueUrl', { QueueName: `${queue}-missing` }).catch(() => undefined);

    // then
    const metrics = await scrape(server.url);
    const labels = { queue, account: '000000000000' };
    const fifoLabels = { queue: `${queue}.fifo`, account: '000000000000' };
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.value('wharf_number_of_messages_sent_total', labels)).toBe(4);
    expect(metrics.value('wharf_number_of_messages_received_total', labels)).toBe(3);
    expect(metrics.value('wharf_number_of_messages_deleted_total', labels)).toBe(2);
    expect(metrics.value('wharf_number_of_empty_receives_total', labels)).toBe(2);
    expect(metrics.value('wharf_number_of_deduplicated_sent_messages_total', labels)).toBe(0);
    expect(metrics.value('wharf_number_of_messages_sent_total', fifoLabels)).toBe(1);
    expect(metrics.value('wharf_number_of_deduplicated_sent_messages_total', fifoLabels)).toBe(1);
    // sizes: body bytes plus attribute name, type and value bytes ('k' + 'String' + 'v')
    expect(metrics.value('wharf_sent_message_size_bytes_count', labels)).toBe(4);
    expect(metrics.value('wharf_sent_message_size_bytes_sum', labels)).toBe(3 + 5 + 8 + 2000 + 5);
    expect(metrics.value('wharf_sent_message_size_bytes_bucket', { ...labels, le: '256' })).toBe(3);
    expect(metrics.value('wharf_sent_message_size_bytes_bucket', { ...labels, le: '+Inf' })).toBe(4);
    // gauges: one message in flight, one delayed, none visible; the FIFO queue holds one visible message
    expect(metrics.value('wharf_approximate_number_of_messages_visible', labels)).toBe(0);
    expect(metrics.value('wharf_approximate_number_of_messages_not_visible', labels)).toBe(1);
    expect(metrics.value('wharf_approximate_number_of_messages_delayed', labels)).toBe(1);
    expect(metrics.value('wharf_approximate_number_of_messages_visible', fifoLabels)).toBe(1);
    expect(metrics.value('wharf_approximate_age_of_oldest_message_seconds', labels)).toBeGreaterThanOrEqual(0);
    expect(metrics.value('wharf_approximate_age_of_oldest_message_seconds', labels)).toBeLessThan(60);
    // per action: outcomes by error code, and a duration histogram
    expect(metrics.value('wharf_requests_total', { action: 'SendMessageBatch', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('wharf_requests_total', { action: 'GetQueueUrl', outcome: 'AWS.SimpleQueueService.NonExistentQueue' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('wharf_request_duration_seconds_count', { action: 'ReceiveMessage' })).toBeGreaterThanOrEqual(3);
    expect(metrics.types.get('wharf_request_duration_seconds')).toBe('histogram');
    // process and event-loop metrics
    expect(metrics.value('wharf_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metrics.types.get('wharf_nodejs_eventloop_lag_seconds')).toBe('gauge');
    sqs.destroy();
  });
});

it('counts an unknown action as Unknown, so clients cannot grow the label set', async () => {
  await fetch(`${server.url}/`, { method: 'POST', body: 'Action=NoSuchThing&Version=2012-11-05', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const metrics = await scrape(server.url);
  expect(metrics.samples.some((s) => s.labels.action === 'NoSuchThing')).toBe(false);
  expect(metrics.value('wharf_requests_total', { action: 'Unknown' })).toBeGreaterThanOrEqual(1);
});

it('drops the gauges of a deleted queue', async () => {
  const sqs = clientFactories[0].make(server.url);
  const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'metrics-gone' });
  expect((await scrape(server.url)).value('wharf_approximate_number_of_messages_visible', { queue: 'metrics-gone' })).toBe(0);
  await sqs.call('DeleteQueue', { QueueUrl });
  expect((await scrape(server.url)).value('wharf_approximate_number_of_messages_visible', { queue: 'metrics-gone' })).toBeUndefined();
  sqs.destroy();
});

it('--metrics off leaves no /metrics route', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-metrics-'));
  const wharf = await spawnWharf(['--metrics', 'off', '--data-dir', dataDir]);
  try {
    expect((await fetch(`${wharf.url}/metrics`)).status).toBe(404);
  } finally {
    await stopWharf(wharf);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
