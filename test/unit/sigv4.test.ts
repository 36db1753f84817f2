import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/api/auth/authenticator.js';
import { buildKeyring, parseCredentialList } from '../../src/core/credentials.js';
import { SqsError } from '../../src/core/errors.js';

// The worked example of reference §8, produced by AWS's signer and re-verified independently.
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const AT = Date.UTC(2026, 0, 2, 3, 4, 5);
const body = Buffer.from('{"QueueName":"my-queue"}');
const headers = {
  'content-type': 'application/x-amz-json-1.0',
  host: 'localhost:9324',
  'x-amz-content-sha256': '73464cf8919055d306164f8b0958196d5a5d82c715b0af11ef9b9d3b098ec11d',
  'x-amz-date': '20260102T030405Z',
  'x-amz-target': 'AmazonSQS.CreateQueue',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/sqs/aws4_request, ' +
    'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, ' +
    'Signature=d1514cf8ee91790af0a07c402cb3ff6314de94414abac6fa76ba1c42a313f99f',
};

function authenticator(now = AT) {
  const built = buildKeyring([{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, accountId: '111122223333' }]);
  if ('error' in built) throw new Error(built.error);
  return new Authenticator(built.keyring, 'us-east-1', () => now);
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SqsError) return { code: error.code, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

const request = (overrides: { headers?: Record<string, string | undefined>; body?: Buffer; url?: string; method?: string } = {}) => ({
  method: overrides.method ?? 'POST',
  url: overrides.url ?? '/',
  headers: Object.fromEntries(Object.entries({ ...headers, ...overrides.headers }).filter(([, v]) => v !== undefined)) as Record<string, string>,
  body: overrides.body ?? body,
});

describe('SigV4 verification', () => {
  it('accepts the reference example and names its caller', async () => {
    await expect(authenticator().authenticate(request())).resolves.toEqual({ accessKeyId: 'AKIDEXAMPLE', accountId: '111122223333' });
  });

  it('rejects a tampered body even when X-Amz-Content-Sha256 still claims the original', async () => {
    expect(await failure(authenticator().authenticate(request({ body: Buffer.from('{"QueueName":"my-queuf"}') })))).toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
  });

  it('answers an unknown key with InvalidClientTokenId', async () => {
    const authorization = headers.authorization.replace('AKIDEXAMPLE', 'AKIDUNKNOWN');
    expect(await failure(authenticator().authenticate(request({ headers: { authorization } })))).toEqual({
      code: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('answers a request without any signature with MissingAuthenticationToken', async () => {
    expect(await failure(authenticator().authenticate(request({ headers: { authorization: undefined } })))).toEqual({
      code: 'MissingAuthenticationToken',
      status: 403,
      message: 'Request is missing Authentication Token',
    });
  });

  it('answers a header missing its parts with IncompleteSignature, listing each', async () => {
    const { code, status, message } = await failure(
      authenticator().authenticate(request({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/sqs/aws4_request' } })),
    );
    expect({ code, status }).toEqual({ code: 'IncompleteSignature', status: 400 });
    expect(message).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        'Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/sqs/aws4_request',
    );
  });

  it('words a stale and a future request as AWS does', async () => {
    const late = await failure(authenticator(AT + 16 * 60_000).authenticate(request()));
    expect(late).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: 'Signature expired: 20260102T030405Z is now earlier than 20260102T030505Z (20260102T032005Z - 15 min.)',
    });
    const early = await failure(authenticator(AT - 16 * 60_000).authenticate(request()));
    expect(early.message).toBe(
      'Signature not yet current: 20260102T030405Z is still later than 20260102T030305Z (20260102T024805Z + 15 min.)',
    );
  });

  it('refuses a credential scoped to another region or service', async () => {
    const otherRegion = headers.authorization.replace('us-east-1', 'eu-west-1');
    expect((await failure(authenticator().authenticate(request({ headers: { authorization: otherRegion } })))).message).toBe(
      "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    );
    const otherService = headers.authorization.replace('/sqs/', '/sns/');
    expect((await failure(authenticator().authenticate(request({ headers: { authorization: otherService } })))).message).toBe(
      "Credential should be scoped to correct service: 'sqs'. ",
    );
  });

  it('requires X-Amz-Target to be signed when present', async () => {
    const authorization = headers.authorization.replace(';x-amz-target', '');
    expect((await failure(authenticator().authenticate(request({ headers: { authorization } })))).message).toBe(
      "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('treats any session token as unknown: Wharf issues none', async () => {
    expect((await failure(authenticator().authenticate(request({ headers: { 'x-amz-security-token': 'token' } })))).code).toBe(
      'InvalidClientTokenId',
    );
  });
});

describe('credential lists', () => {
  it('parses WHARF_CREDENTIALS and refuses bad entries without quoting secrets', () => {
    expect(parseCredentialList('AK1:s1:111111111111, AK2:s2:222222222222')).toEqual([
      { accessKeyId: 'AK1', secretAccessKey: 's1', accountId: '111111111111' },
      { accessKeyId: 'AK2', secretAccessKey: 's2', accountId: '222222222222' },
    ]);
    expect(parseCredentialList('AK1:only-two')).toEqual({ error: 'entry 1: expected ACCESS_KEY_ID:SECRET:ACCOUNT_ID' });
    const duplicate = buildKeyring([
      { accessKeyId: 'AK1', secretAccessKey: 'topsecret', accountId: '111111111111' },
      { accessKeyId: 'AK1', secretAccessKey: 'topsecret', accountId: '111111111111' },
    ]);
    expect(duplicate).toEqual({ error: 'entry 2: access key id AK1 is listed twice' });
    const badAccount = buildKeyring([{ accessKeyId: 'AK1', secretAccessKey: 'topsecret', accountId: '12' }]);
    expect(JSON.stringify(badAccount)).not.toContain('topsecret');
  });
});
