import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { makeJsonClient, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// The web console in real headless Chromium against the real server; every outcome is checked through
// the AWS SDK, as a user's own client would see it. One browser for the file, one page per test.
const title = 'web console in Chromium';

describe(title, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let sqs: SqsUnderTest;
  let page: Page;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;
  const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
  const create = async (name: string, Attributes: Record<string, string> = {}) =>
    (await sqs.call('CreateQueue', { QueueName: name, Attributes })).QueueUrl as string;
  const counts = async (url: string) => {
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
    return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
  };
  const openQueue = async (name: string) => {
    await page.goto(`${server.url}/console/#/queues/${name}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    sqs = makeJsonClient(server.url);
    // One context for the file (a new context per test costs ~1 s on a busy machine), a fresh page per test.
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    // Offline: any request that leaves the Wharf origin fails the test.
    await context.route('**/*', (route) => (route.request().url().startsWith(server.url) ? route.continue() : route.abort()));
  });
  afterAll(async () => {
    sqs?.destroy();
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(() => page.close());

  it('shows a queue created through the SDK, with live counts', async () => {
    // given
    await page.goto(`${server.url}/console/`);
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    // when
    const name = unique('orders');
    const url = await create(name);
    await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'x' });
    // then: it appears without a reload, within the refresh interval
    const row = page.locator(`tr[data-queue="${name}"]`);
    await row.waitFor({ timeout: 5000 });
    await expect.poll(() => row.locator('[data-count=visible]').textContent(), { timeout: 5000 }).toBe('1');
    await page.getByLabel('Filter by name').fill('no-such-queue');
    await expect.poll(() => row.count()).toBe(0);
  });

  it('sends a message the SDK receives with the right MD5s', async () => {
    // given
    const name = unique('console-send');
    const url = await create(name);
    await openQueue(name);
    // when
    const body = JSON.stringify({ order: 42, note: 'héllo' });
    await page.getByLabel('Body', { exact: true }).fill(body);
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByLabel('Attribute name').fill('kind');
    await page.getByLabel('Value').fill('test');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByRole('status').getByText('Sent message').waitFor();
    // then: the SDK (which verifies both MD5s itself) receives it
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl: url, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 });
    expect(Messages).toHaveLength(1);
    expect(Messages[0].Body).toBe(body);
    expect(Messages[0].MD5OfBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
    expect(Messages[0].MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'test' } });
  });

  it('sends to a FIFO queue with group and deduplication id, and shows a long body in full on request', async () => {
    // given
    const name = `${unique('console-fifo')}.fifo`;
    const url = await create(name, { FifoQueue: 'true' });
    await openQueue(name);
    // when
    const body = JSON.stringify({ text: 'y'.repeat(6000) });
    await page.getByLabel('Body', { exact: true }).fill(body);
    await page.getByLabel('Message group id').fill('customer-7');
    await page.getByLabel('Deduplication id').fill('dedup-1');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByRole('status').getByText('Sent message').waitFor();
    // then: peek shows it cut, then whole
    const article = page.locator('article[data-message-id]');
    await article.waitFor();
    expect((await article.locator('pre').textContent())!.length).toBeLessThan(5000);
    await article.getByRole('button', { name: /Show all/ }).click();
    await expect.poll(async () => (await article.locator('pre').textContent())!.length).toBeGreaterThan(6000);
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl: url, MessageSystemAttributeNames: ['All'] });
    expect(Messages[0].Body).toBe(body);
    expect(Messages[0].Attributes).toMatchObject({ MessageGroupId: 'customer-7', MessageDeduplicationId: 'dedup-1' });
  });

  it('peeks without changing receive count, visibility or receipt handles', async () => {
    // given: one visible message and one in flight
    const name = unique('peek');
    const url = await create(name);
    await sqs.call('SendMessage', { QueueUrl: url, MessageBody: '{"held":true}' });
    const { Messages: [held] } = await sqs.call('ReceiveMessage', { QueueUrl: url, VisibilityTimeout: 60 });
    await sqs.call('SendMessage', { QueueUrl: url, MessageBody: '{"free":true}' });
    // when
    await openQueue(name);
    const peeked = page.locator('article[data-message-id]');
    await expect.poll(() => peeked.count()).toBe(2);
    await page.getByRole('button', { name: 'Refresh messages' }).click();
    // then: the console shows both, JSON pretty-printed, with their receive counts
    await expect.poll(() => peeked.first().locator('pre').textContent()).toBe('{\n  "held": true\n}');
    expect(await peeked.first().locator('[data-field=receive-count]').textContent()).toBe('Receive count 1');
    expect(await peeked.nth(1).locator('[data-field=receive-count]').textContent()).toBe('Receive count 0');
    // and nothing changed: counts, the held handle still works, the free message is received for the first time
    expect(await counts(url)).toEqual({ visible: 1, inFlight: 1 });
    await sqs.call('ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: held.ReceiptHandle, VisibilityTimeout: 60 });
    const { Messages: [free] } = await sqs.call('ReceiveMessage', { QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(free).toMatchObject({ Body: '{"free":true}', Attributes: { ApproximateReceiveCount: '1' } });
  });

  it('purges a queue after confirmation', async () => {
    // given
    const name = unique('purge');
    const url = await create(name);
    await sqs.call('SendMessageBatch', { QueueUrl: url, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) });
    await openQueue(name);
    // when: the first confirmation is cancelled from the keyboard (Enter opens, Escape cancels), the second accepted
    await page.getByRole('button', { name: 'Purge queue…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect((await counts(url)).visible).toBe(3);
    await page.getByRole('button', { name: 'Purge queue…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Purge queue' }).click();
    await page.getByRole('status').getByText(`Purged ${name}`).waitFor();
    // then
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });
    await page.getByText('The queue is empty.').waitFor();
  });

  it('redrives a dead-letter queue filled by failed receives back to its source', async () => {
    // given: three messages that failed once each and went to the DLQ
    const dlqName = unique('dlq');
    const dlq = await create(dlqName);
    const sourceName = unique('work');
    const source = await create(sourceName, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 1 }) });
    await sqs.call('SendMessageBatch', { QueueUrl: source, Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b })) });
    await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    expect((await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10 })).Messages ?? []).toEqual([]);
    expect((await counts(dlq)).visible).toBe(3);
    // when
    await openQueue(dlqName);
    await page.getByRole('link', { name: sourceName }).first().waitFor();
    await page.getByRole('button', { name: 'Start redrive to source queues' }).click();
    // then: the task is shown finishing, and the source queue has the messages again
    await page.locator('tr[data-task-status=COMPLETED]').waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-task-status=COMPLETED]').textContent()).toContain('3 of 3 moved');
    await page.getByText('The queue is empty.').waitFor();
    const received = await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
    expect(received.Messages.map((m: { Body: string }) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    expect((await counts(dlq)).visible).toBe(0);
  });

  it('cancels a running redrive', async () => {
    // given: a slow move task (1 message/s) started through the SDK on a DLQ of ten
    const dlqName = unique('slow-dlq');
    const dlq = await create(dlqName);
    const source = await create(unique('slow'), { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(dlqName), maxReceiveCount: 1 }) });
    await sqs.call('SendMessageBatch', { QueueUrl: source, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })) });
    await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10 });
    await sqs.call('StartMessageMoveTask', { SourceArn: arn(dlqName), MaxNumberOfMessagesPerSecond: 1 });
    // when
    await openQueue(dlqName);
    await page.locator('tr[data-task-status=RUNNING]').getByRole('button', { name: 'Cancel' }).click();
    // then
    await page.locator('tr[data-task-status=CANCELLED]').waitFor({ timeout: 5000 });
    const { Results } = await sqs.call('ListMessageMoveTasks', { SourceArn: arn(dlqName) });
    expect(Results[0].Status).toBe('CANCELLED');
    expect((await counts(dlq)).visible).toBeGreaterThan(0);
  });

  it('creates a queue, edits an attribute, receives and deletes a message, and deletes the queue', async () => {
    // given
    await page.goto(`${server.url}/console/`);
    const name = unique('made-in-console');
    // when: created from the list page
    await page.getByLabel('New queue name').fill(name);
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const url = (await sqs.call('GetQueueUrl', { QueueName: name })).QueueUrl as string;
    // and an attribute edited
    await page.getByLabel('VisibilityTimeout').fill('45');
    await page.getByRole('button', { name: 'Save attributes' }).click();
    await page.getByRole('status').getByText('Saved VisibilityTimeout').waitFor();
    const { Attributes } = await sqs.call('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['VisibilityTimeout'] });
    expect(Attributes.VisibilityTimeout).toBe('45');
    // and a message received and deleted
    await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'bye' });
    await page.getByRole('button', { name: 'Receive messages' }).click();
    await page.locator('article[data-received-id]').getByRole('button', { name: 'Delete message' }).click();
    await page.getByRole('status').getByText('Deleted').waitFor();
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });
    // and the queue deleted after confirmation
    await page.getByRole('button', { name: 'Delete queue…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete queue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();
    expect((await sqs.call('ListQueues', { QueueNamePrefix: name })).QueueUrls ?? []).toEqual([]);
  });
});
