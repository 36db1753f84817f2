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

/** Per-client settings the security tests vary; the defaults are what every other test uses. */
export interface ClientOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Milliseconds added to the client's clock when it signs (a skewed client). */
  systemClockOffset?: number;
  /** For HTTPS endpoints: an agent trusting the test CA. */
  httpsAgent?: import('node:https').Agent;
  /** Changes the request after it was signed (tampering tests). */
  afterSigning?: (request: { body: unknown; headers: Record<string, string> }) => void;
}

export function makeJsonClient(endpoint: string, options: ClientOptions = {}): SqsUnderTest {
  const client = new v3.SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: options.credentials ?? credentials,
    maxAttempts: 1,
    systemClockOffset: options.systemClockOffset,
    ...(options.httpsAgent ? { requestHandler: { httpsAgent: options.httpsAgent } } : {}),
  });
  const tamper = options.afterSigning;
  if (tamper) {
    // The deserialize step runs after signing (finalizeRequest), on the request about to be sent.
    client.middlewareStack.add(
      (next) => async (args) => {
        tamper((args as unknown as { request: { body: unknown; headers: Record<string, string> } }).request);
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
  }
  const commands = v3 as unknown as Record<string, new (input: object) => any>;
  return {
    protocol: 'json',
    call: (action, params = {}) => client.send(new commands[`${action}Command`]!(params)) as Promise<any>,
    destroy: () => client.destroy(),
  };
}

export function makeQueryClient(endpoint: string, options: ClientOptions = {}): SqsUnderTest {
  const client = new AWS.SQS({
    endpoint,
    region: 'us-east-1',
    credentials: options.credentials ?? credentials,
    sslEnabled: endpoint.startsWith('https:'),
    maxRetries: 0,
    systemClockOffset: options.systemClockOffset,
    // v2 would otherwise correct its clock from the server's Date header and retry a skewed request.
    correctClockSkew: false,
    ...(options.httpsAgent ? { httpOptions: { agent: options.httpsAgent } } : {}),
  });
  const methods = client as unknown as Record<string, (params: object) => { promise(): Promise<any>; on(event: string, fn: (r: any) => void): any }>;
  const tamper = options.afterSigning;
  return {
    protocol: 'query',
    call: (action, params = {}) => {
      const request = methods[action.charAt(0).toLowerCase() + action.slice(1)]!.call(client, params);
      // User 'sign' listeners run after the SDK's own signer.
      if (tamper) request.on('sign', (r: any) => tamper(r.httpRequest));
      return request.promise();
    },
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
