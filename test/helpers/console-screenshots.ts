// Regenerates the README screenshots: `node --import tsx test/helpers/console-screenshots.ts`.
// Starts a real server with a few sample queues, then photographs the console in headless Chromium.
import { launchChromium } from './browser.js';
import { makeJsonClient } from './clients.js';
import { startServer } from './server.js';

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const server = await startServer();
const sqs = makeJsonClient(server.url);
const browser = await launchChromium();
try {
  const create = async (QueueName: string, Attributes: Record<string, string> = {}, tags: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName, Attributes, tags })).QueueUrl as string;
  const dlq = await create('orders-dlq', {}, { team: 'shop' });
  const orders = await create('orders', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('orders-dlq'), maxReceiveCount: 1 }) }, { team: 'shop', env: 'dev' });
  const payments = await create('payments.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' }, { team: 'billing' });
  await create('emails', { DelaySeconds: '30' });
  const batch = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      Id: `${prefix}${i}`,
      MessageBody: JSON.stringify({ orderId: 1000 + i, items: [{ sku: 'A-1', qty: i + 1 }], status: 'new' }),
      MessageAttributes: { source: { DataType: 'String', StringValue: 'web-shop' } },
    }));
  // Fail n messages: one receive that lets them reappear, then the receive that moves them to the DLQ.
  const fail = async (prefix: string, n: number) => {
    await sqs.call('SendMessageBatch', { QueueUrl: orders, Entries: batch(prefix, n) });
    await sqs.call('ReceiveMessage', { QueueUrl: orders, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    await sqs.call('ReceiveMessage', { QueueUrl: orders, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
  };
  await fail('a', 4);
  await sqs.call('StartMessageMoveTask', { SourceArn: arn('orders-dlq') });
  for (let i = 0; i < 50 && (await sqs.call('ListMessageMoveTasks', { SourceArn: arn('orders-dlq') })).Results[0].Status === 'RUNNING'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await sqs.call('PurgeQueue', { QueueUrl: orders });
  await fail('f', 2);
  await sqs.call('SendMessageBatch', { QueueUrl: orders, Entries: batch('o', 7) });
  await sqs.call('ReceiveMessage', { QueueUrl: orders, MaxNumberOfMessages: 2, VisibilityTimeout: 300 });
  await sqs.call('SendMessage', { QueueUrl: payments, MessageBody: '{"payment":"p-1","amount":"12.50"}', MessageGroupId: 'customer-7' });
  await sqs.call('SendMessage', { QueueUrl: server.url + '/000000000000/emails', MessageBody: 'Welcome!' });
  void dlq;

  const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
  await page.goto(`${server.url}/console/`);
  await page.locator('tr[data-queue="orders"]').waitFor();
  await page.waitForTimeout(1600);
  await page.screenshot({ path: 'docs/console-queues.png' });
  await page.goto(`${server.url}/console/#/queues/orders-dlq`);
  await page.locator('article[data-message-id]').first().waitFor();
  await page.locator('tr[data-task-status]').waitFor();
  await page.screenshot({ path: 'docs/console-queue.png' });
} finally {
  await browser.close();
  sqs.destroy();
  await server.close();
}
