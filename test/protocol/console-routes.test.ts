import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/registry.js';
import { buildApp } from '../../src/app.js';
import { actionHarness } from '../helpers/action-context.js';

// The console's routes beside the SQS routes: served offline from the package, switchable off, never in
// the way of a queue URL (/<account>/<queue>), read-only.
const json = { 'content-type': 'application/x-amz-json-1.0' };

describe('console routes', () => {
  let app: FastifyInstance | undefined;
  let harness: ReturnType<typeof actionHarness> | undefined;
  afterEach(async () => {
    await app?.close();
    await harness?.close();
  });
  const build = async (console?: false) => {
    harness = actionHarness();
    app = await buildApp({ services: harness.services, actions: ACTIONS, ...(console === false ? { console } : {}) });
    return app;
  };
  const sqs = (target: string, body: object) =>
    app!.inject({ method: 'POST', url: '/', headers: { ...json, 'x-amz-target': `AmazonSQS.${target}` }, payload: JSON.stringify(body) });

  it('serves the page and its assets from Wharf itself, with no external URL', async () => {
    await build();
    const page = await app!.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect((await app!.inject({ method: 'GET', url: '/console' })).body).toBe(page.body);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const assets = [...page.body.matchAll(/(?:href|src)="([^"#]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(['/console/console.css', '/console/console.js']);
    for (const asset of ['/console/console.js', '/console/dom.js', '/console/console.css']) {
      const response = await app!.inject({ method: 'GET', url: asset });
      expect(response.statusCode, asset).toBe(200);
      expect(response.body, asset).not.toMatch(/https?:\/\//);
    }
  });

  it('is absent with --console off', async () => {
    await build(false);
    expect((await app!.inject({ method: 'GET', url: '/console/' })).statusCode).toBe(404);
    expect((await app!.inject({ method: 'GET', url: '/console/api/queues' })).statusCode).toBe(404);
  });

  it('leaves a queue named "console" addressable by its queue URL', async () => {
    await build();
    await sqs('CreateQueue', { QueueName: 'console' });
    const response = await app!.inject({ method: 'GET', url: '/000000000000/console?Action=GetQueueAttributes&AttributeName.1=QueueArn' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('arn:aws:sqs:us-east-1:000000000000:console');
  });

  it('lists queues with counts and peeks without receiving', async () => {
    await build();
    const url = JSON.parse((await sqs('CreateQueue', { QueueName: 'q' })).body).QueueUrl;
    await sqs('SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(5000) });
    const list = JSON.parse((await app!.inject({ method: 'GET', url: '/console/api/queues' })).body);
    expect(list.queues).toEqual([expect.objectContaining({ name: 'q', type: 'standard', visible: 1, inFlight: 0, delayed: 0 })]);
    const peek = JSON.parse((await app!.inject({ method: 'GET', url: '/console/api/queues/q/messages' })).body);
    expect(peek.messages[0]).toMatchObject({ bodyTruncated: true, bodyChars: 5000, receiveCount: 0, state: 'visible' });
    expect(peek.messages[0].body).toHaveLength(4096);
    const one = JSON.parse((await app!.inject({ method: 'GET', url: `/console/api/queues/q/messages/${peek.messages[0].seq}` })).body);
    expect(one.message.body).toHaveLength(5000);
    const received = JSON.parse((await sqs('ReceiveMessage', { QueueUrl: url, MessageSystemAttributeNames: ['All'] })).body);
    expect(received.Messages[0].Attributes.ApproximateReceiveCount).toBe('1');
  });

  it('accepts no writes under /console/', async () => {
    await build();
    const response = await app!.inject({ method: 'DELETE', url: '/console/api/queues/q/messages/1' });
    expect(response.statusCode).toBe(404);
  });
});
