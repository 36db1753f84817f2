import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 as Sha256 } from '../../src/api/auth/sigv4-verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFactories, failureOf } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';

// --auth sigv4 through real clients: JS v3 (JSON), JS v2 (Query), a presigned GET, Debian's boto3 and the
// AWS CLI. Right keys work; a wrong secret, an unknown key, a skewed clock, a tampered body and an expired
// presigned URL get AWS's errors (README "Security").

const ALICE = { accessKeyId: 'AKIAALICE0000000001', secretAccessKey: 'alice/secret+key', accountId: '111111111111' };
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const DEBIAN_PYTHON = '/usr/bin/python3';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ credentials: [ALICE] });
});
afterAll(async () => {
  await server.close();
});

const alice = { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey };

describe.each(clientFactories)('SigV4 over $protocol', ({ make }) => {
  it('lets a client with the right key create, send, receive and list', async () => {
    const sqs = make(server.url, { credentials: alice });
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: `signed-${sqs.protocol}` });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'hello' });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, AttributeNames: ['SenderId'] });
    expect(Messages[0].Body).toBe('hello');
    // SenderId is the verified access key id (README "Security": Wharf has no IAM user ids).
    expect(Messages[0].Attributes.SenderId).toBe(ALICE.accessKeyId);
    sqs.destroy();
  });

  it('answers a wrong secret with SignatureDoesNotMatch', async () => {
    const sqs = make(server.url, { credentials: { ...alice, secretAccessKey: 'not-the-secret' } });
    expect(await failureOf(sqs.call('ListQueues'))).toEqual({ code: 'SignatureDoesNotMatch', status: 403, message: SIGNATURE_MISMATCH });
  });

  it('answers an unknown key with InvalidClientTokenId', async () => {
    const sqs = make(server.url, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } });
    expect(await failureOf(sqs.call('ListQueues'))).toEqual({
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('answers a clock 20 minutes behind with "Signature expired"', async () => {
    const sqs = make(server.url, { credentials: alice, systemClockOffset: -20 * 60_000 });
    const failure = await failureOf(sqs.call('ListQueues'));
    expect(failure).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(failure.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  it('answers a clock 20 minutes ahead with "Signature not yet current"', async () => {
    const sqs = make(server.url, { credentials: alice, systemClockOffset: 20 * 60_000 });
    const failure = await failureOf(sqs.call('ListQueues'));
    expect(failure.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
  });

  it('refuses a body changed after signing and stores nothing', async () => {
    const good = make(server.url, { credentials: alice });
    const { QueueUrl } = await good.call('CreateQueue', { QueueName: `tamper-${good.protocol}` });
    const tampering = make(server.url, {
      credentials: alice,
      afterSigning: (request) => {
        request.body = String(request.body).replace('original', 'replaced');
      },
    });
    expect(await failureOf(tampering.call('SendMessage', { QueueUrl, MessageBody: 'original' }))).toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    const { Attributes } = await good.call('GetQueueAttributes', { QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] });
    expect(Attributes.ApproximateNumberOfMessages).toBe('0');
  });
});

describe('presigned Query URLs', () => {
  const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: alice, sha256: Sha256 });
  const presign = async (signingDate: Date, expiresIn: number) => {
    const { hostname, port } = new URL(server.url);
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname,
        port: Number(port),
        path: '/',
        query: { Action: 'ListQueues', Version: '2012-11-05', QueueNamePrefix: 'signed query' },
        headers: { host: `${hostname}:${port}` },
      },
      { signingDate, expiresIn },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString().replaceAll('+', '%20');
    return `${server.url}/?${query}`;
  };

  it('runs a presigned GET within its lifetime', async () => {
    const response = await fetch(await presign(new Date(), 60));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<ListQueuesResponse');
  });

  it('refuses one past X-Amz-Expires, in XML', async () => {
    const response = await fetch(await presign(new Date(Date.now() - 120_000), 60));
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(text).toMatch(/<Message>Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)<\/Message>/);
  });

  it('refuses an unsigned request with MissingAuthenticationToken', async () => {
    const response = await fetch(`${server.url}/?Action=ListQueues&Version=2012-11-05`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('outside clients', () => {
  it('boto3 (Debian, Query) works with the right key and reports a wrong secret', async () => {
    const run = async (secret: string) => {
      const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, ['test/python/boto3_auth.py', server.url, ALICE.accessKeyId, secret]);
      return JSON.parse(stdout);
    };
    expect(await run(ALICE.secretAccessKey)).toMatchObject({ received: 'signed by boto3' });
    expect(await run('wrong')).toEqual({ error: 'SignatureDoesNotMatch', status: 403, message: SIGNATURE_MISMATCH });
  }, 30_000);

  it('the AWS CLI works with the right key and reports an unknown one', async () => {
    const cli = (key: string, secret: string) =>
      promisify(execFile)('/usr/bin/aws', ['sqs', 'list-queues', '--endpoint-url', server.url, '--region', 'us-east-1', '--output', 'json'], {
        env: {
          PATH: process.env.PATH,
          HOME: '/nonexistent',
          AWS_ACCESS_KEY_ID: key,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_MAX_ATTEMPTS: '1',
        },
      });
    const { stdout } = await cli(ALICE.accessKeyId, ALICE.secretAccessKey);
    expect(stdout === '' ? {} : JSON.parse(stdout)).toBeTypeOf('object');
    await expect(cli('AKIAUNKNOWN', 'x')).rejects.toMatchObject({
      stderr: expect.stringMatching(/\(InvalidClientTokenId\) when calling the ListQueues operation.*: The security token included in the request is invalid\./),
    });
  }, 60_000);
});
