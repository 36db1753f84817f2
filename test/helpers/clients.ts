import * as v3 from '@aws-sdk/client-sqs';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// aws-sdk 2.1490.0 is the last release whose SQS model speaks the Query protocol (form POST + XML).
const { default: AWS } = await import('aws-sdk');

const credentials = { accessKeyId: 'AKIDWHARFTEST', secretAccessKey: 'wharf-test-secret' };

/** One interface over both SDKs so every scenario runs once per wire protocol. */
export interface SqsUnderTest {
  protocol: 'json' | 'query';
  call<T = any>(action: string, params?: object): Promise<T>;
  destroy(): void;
}

export interface SqsFailure {
  /** The Query-protocol code (JSON: from x-amzn-query-error), e.g. AWS.SimpleQueueService.NonExistentQueue. */
  code: string;
  status: number;
  message: string;
}

export function makeJsonClient(endpoint: string): SqsUnderTest {
  const client = new v3.SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const commands = v3 as unknown as Record<string, new (input: object) => any>;
  return {
    protocol: 'json',
    call: (action, params = {}) => client.send(new commands[`${action}Command`]!(params)) as Promise<any>,
    destroy: () => client.destroy(),
  };
}

export function makeQueryClient(endpoint: string): SqsUnderTest {
  const client = new AWS.SQS({ endpoint, region: 'us-east-1', credentials, sslEnabled: false, maxRetries: 0 });
  const methods = client as unknown as Record<string, (params: object) => { promise(): Promise<any> }>;
  return {
    protocol: 'query',
    call: (action, params = {}) => methods[action.charAt(0).toLowerCase() + action.slice(1)]!.call(client, params).promise(),
    destroy: () => undefined,
  };
}

export const clientFactories = [
  { protocol: 'json', make: makeJsonClient },
  { protocol: 'query', make: makeQueryClient },
] as const;

/** Runs a call that must fail and returns the error as both SDKs report it, normalised. */
export async function failureOf(promise: Promise<unknown>): Promise<SqsFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as Record<string, any>;
    return {
      code: e.Code ?? e.code ?? e.name,
      status: e.$metadata?.httpStatusCode ?? e.statusCode,
      message: e.message,
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Binary values come back as Buffer (v2) or Uint8Array (v3); compare them as base64. */
export function base64Of(value: unknown): string {
  return Buffer.from(value as Uint8Array).toString('base64');
}
