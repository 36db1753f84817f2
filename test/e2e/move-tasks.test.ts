import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFactories, failureOf, makeJsonClient, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

async function redriveSetup(sqs: SqsUnderTest, prefix: string, poisoned: number) {
  const dlq = (await sqs.call('CreateQueue', { QueueName: `${prefix}-dlq` })).QueueUrl;
  const source = (
    await sqs.call('CreateQueue', {
      QueueName: `${prefix}-src`,
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(`${prefix}-dlq`), maxReceiveCount: 1 }) },
    })
  ).QueueUrl;
  for (let i = 0; i < poisoned; i++) await sqs.call('SendMessage', { QueueUrl: source, MessageBody: `m${i}` });
  // First receive delivers every message once; the next receive moves them all to the DLQ.
  while ((await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 })).Messages?.length) {
    // keep receiving until the source is empty
  }
  return { dlq, source };
}

const depth = async (sqs: SqsUnderTest, QueueUrl: string) =>
  Number((await sqs.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })).Attributes.ApproximateNumberOfMessages);

describe.each(clientFactories)('message move tasks over $protocol', ({ protocol, make }) => {
  let server: TestServer;
  let sqs: SqsUnderTest;
  beforeAll(async () => {
    server = await startServer();
    sqs = make(server.url);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.close();
  });

  it('redrives a DLQ back to its source queue and reports the task', async () => {
    const { dlq, source } = await redriveSetup(sqs, `${protocol}-back`, 5);
    expect(await depth(sqs, dlq)).toBe(5);
    const { TaskHandle } = await sqs.call('StartMessageMoveTask', { SourceArn: arn(`${protocol}-back-dlq`) });
    expect(TaskHandle).toEqual(expect.any(String));
    await expect.poll(() => depth(sqs, source), { timeout: 10_000 }).toBe(5);
    expect(await depth(sqs, dlq)).toBe(0);
    await expect
      .poll(async () => (await sqs.call('ListMessageMoveTasks', { SourceArn: arn(`${protocol}-back-dlq`) })).Results[0].Status)
      .toBe('COMPLETED');
    const [task] = (await sqs.call('ListMessageMoveTasks', { SourceArn: arn(`${protocol}-back-dlq`) })).Results;
    expect(task).toMatchObject({
      SourceArn: arn(`${protocol}-back-dlq`),
      ApproximateNumberOfMessagesMoved: 5,
      ApproximateNumberOfMessagesToMove: 5,
    });
    expect(task.TaskHandle).toBeUndefined();
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl: source, MaxNumberOfMessages: 10, AttributeNames: ['All'] });
    expect(Messages[0].Attributes.DeadLetterQueueSourceArn).toBeUndefined();
  });

  it('moves to an explicit destination at a limited rate and can be cancelled', async () => {
    const { dlq } = await redriveSetup(sqs, `${protocol}-rate`, 6);
    const destination = (await sqs.call('CreateQueue', { QueueName: `${protocol}-rate-dest` })).QueueUrl;
    const { TaskHandle } = await sqs.call('StartMessageMoveTask', {
      SourceArn: arn(`${protocol}-rate-dlq`),
      DestinationArn: arn(`${protocol}-rate-dest`),
      MaxNumberOfMessagesPerSecond: 1,
    });
    expect(await failureOf(sqs.call('StartMessageMoveTask', { SourceArn: arn(`${protocol}-rate-dlq`) }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    });
    await expect.poll(() => depth(sqs, destination), { timeout: 5_000 }).toBeGreaterThan(0);
    const { ApproximateNumberOfMessagesMoved } = await sqs.call('CancelMessageMoveTask', { TaskHandle });
    expect(ApproximateNumberOfMessagesMoved).toBeLessThan(6);
    const [task] = (await sqs.call('ListMessageMoveTasks', { SourceArn: arn(`${protocol}-rate-dlq`) })).Results;
    expect(task).toMatchObject({ Status: 'CANCELLED', MaxNumberOfMessagesPerSecond: 1, DestinationArn: arn(`${protocol}-rate-dest`) });
    expect((await depth(sqs, destination)) + (await depth(sqs, dlq))).toBe(6);
  });

  it('refuses sources that are missing or not dead-letter queues, and bad handles', async () => {
    expect(await failureOf(sqs.call('StartMessageMoveTask', { SourceArn: arn('absent') }))).toMatchObject({
      code: 'ResourceNotFoundException',
      status: 404,
    });
    await sqs.call('CreateQueue', { QueueName: `${protocol}-plain` });
    expect(await failureOf(sqs.call('StartMessageMoveTask', { SourceArn: arn(`${protocol}-plain`) }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Source queue must be configured as a Dead Letter Queue.',
    });
    expect(await failureOf(sqs.call('CancelMessageMoveTask', { TaskHandle: 'garbage' }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
  });
});

describe('a restart in the middle of a move task', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-move-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('neither loses nor duplicates messages', async () => {
  let server = await startServer({ dataDir });
  let sqs = makeJsonClient(server.url);
  const { source } = await redriveSetup(sqs, 'restart', 8);
  await sqs.call('StartMessageMoveTask', { SourceArn: arn('restart-dlq'), MaxNumberOfMessagesPerSecond: 2 });
  await expect.poll(() => depth(sqs, source), { timeout: 5_000 }).toBeGreaterThan(0);
  await server.close();

  server = await startServer({ dataDir });
  sqs = makeJsonClient(server.url);
  const url = (name: string) => `${server.url}/000000000000/${name}`;
  const [running] = (await sqs.call('ListMessageMoveTasks', { SourceArn: arn('restart-dlq') })).Results;
  expect(['RUNNING', 'COMPLETED']).toContain(running.Status);
  await expect.poll(() => depth(sqs, url('restart-src')), { timeout: 15_000 }).toBe(8);
  expect(await depth(sqs, url('restart-dlq'))).toBe(0);
  await expect
    .poll(async () => (await sqs.call('ListMessageMoveTasks', { SourceArn: arn('restart-dlq') })).Results[0])
    .toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 8 });
  await server.close();
  }, 30_000);
});
