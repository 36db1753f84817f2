import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { makeJsonClient, type SqsUnderTest } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// The console under --auth sigv4, in headless Chromium: it asks for an access key and secret, refuses a
// wrong secret, shows only the signed-in account's queues, and its changes (SQS actions authenticated by the
// session) land in that account. Without a session, its read API and unsigned SQS calls are refused.

const ALICE = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', accountId: '111111111111' };
const BOB = { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', accountId: '222222222222' };
const title = 'console sign-in in Chromium';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ credentials: [ALICE, BOB] });
});
afterAll(async () => {
  await server.close();
});

describe('the console API without a session', () => {
  it('answers 401 to reads, and refuses an unsigned SQS call even with the console header', async () => {
    expect((await fetch(`${server.url}/console/api/queues`)).status).toBe(401);
    const sqs = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues', 'x-wharf-console': '1' },
      body: '{}',
    });
    expect(sqs.status).toBe(403);
    expect(sqs.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
  });

  it('does not let a session cookie stand in for a signature without the console header (CSRF)', async () => {
    const login = await fetch(`${server.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey }),
    });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const form = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'Action=CreateQueue&QueueName=csrf&Version=2012-11-05',
    });
    expect(form.status).toBe(403);
    expect((await fetch(`${server.url}/console/api/queues`, { headers: { cookie } })).status).toBe(200);
  });
});

describe(title, () => {
  let browser: Browser;
  let page: Page;
  let alice: SqsUnderTest;
  let bob: SqsUnderTest;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    alice = makeJsonClient(server.url, { credentials: ALICE });
    bob = makeJsonClient(server.url, { credentials: BOB });
    await alice.call('CreateQueue', { QueueName: 'alice-orders' });
    await bob.call('CreateQueue', { QueueName: 'bob-secrets' });
  });
  afterAll(async () => {
    alice?.destroy();
    bob?.destroy();
    await browser?.close();
  });

  const signIn = async (key: string, secret: string) => {
    await page.getByLabel('Access key ID').fill(key);
    await page.getByLabel('Secret access key').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('asks for a key, refuses a wrong secret, then shows only the account’s queues', async () => {
    // given a browser without a session
    await page.goto(`${server.url}/console/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // when the secret is wrong, then it says so and stays on the form
    await signIn(ALICE.accessKeyId, 'wrong');
    await page.getByText('Sign-in failed: unknown access key or wrong secret.').waitFor();
    // when it is right, then Alice's queue is listed and Bob's is not
    await signIn(ALICE.accessKeyId, ALICE.secretAccessKey);
    await page.locator('tr[data-queue="alice-orders"]').waitFor();
    expect(await page.locator('tr[data-queue="bob-secrets"]').count()).toBe(0);
    await page.getByText(`${ALICE.accessKeyId} (${ALICE.accountId})`).waitFor();
  });

  it('sends through the session into the signed-in account', async () => {
    await page.goto(`${server.url}/console/#/queues/alice-orders`);
    await page.getByRole('heading', { level: 1, name: 'alice-orders' }).waitFor();
    const url = `${server.url}/${ALICE.accountId}/alice-orders`;
    // the console's own SQS call, made with the session cookie and X-Wharf-Console
    // (a string so TypeScript does not type-check browser code against node)
    const sent = (await page.evaluate(`import('/console/api.js').then(({ sqs }) =>
      sqs('SendMessage', { QueueUrl: location.origin + '/111111111111/alice-orders', MessageBody: 'from the console' }))`)) as {
      MessageId?: string;
    };
    expect(sent.MessageId).toBeTruthy();
    const { Messages } = await alice.call('ReceiveMessage', { QueueUrl: url, AttributeNames: ['SenderId'] });
    expect(Messages[0].Body).toBe('from the console');
    expect(Messages[0].Attributes.SenderId).toBe(ALICE.accessKeyId);
  });

  it('signs out, back to the sign-in form', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'wharf_session')).toBeUndefined();
  });
});
