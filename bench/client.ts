import http from 'node:http';

// A deliberately thin AWS JSON 1.0 client (reference §1.6–1.7). The AWS SDK spends more CPU per call on
// middleware, signing and shape parsing than Wharf spends serving a small SendMessage, and this machine
// shares its cores between the bench and the server, so an SDK would measure itself.

const DEFAULT_TIMEOUT_MS = 120_000;

export class SqsCallError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${action} → HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

export interface Message {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}

export interface BatchResult {
  Successful?: { Id: string }[];
  Failed?: { Id: string; Code: string; Message?: string }[];
}

export interface SendEntry {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

export class SqsClient {
  private readonly agent: http.Agent;
  /** Several nodes of one cluster (a comma-separated endpoint): calls take turns, as behind a load balancer. */
  private readonly nodes: { host: string; port: number }[];
  private turn = 0;

  /**
   * `maxSockets` should equal the number of requests kept in flight, so none queue inside the agent.
   * Every request is aborted after `timeoutMs`, so a stalled server fails a scenario instead of hanging
   * the bench; the default is well above the longest long poll (20 s) and the slowest 8 MiB request.
   */
  constructor(
    endpoint: string,
    maxSockets: number,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.nodes = endpoint.split(',').map((one) => {
      const url = new URL(one);
      return { host: url.hostname, port: Number(url.port || 80) };
    });
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  call<T>(action: string, input: object, cancel?: AbortSignal): Promise<T> {
    const payload = Buffer.from(JSON.stringify(input), 'utf8');
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
    const node = this.nodes[this.turn++ % this.nodes.length]!;
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          host: node.host,
          port: node.port,
          path: '/',
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            'Content-Type': 'application/x-amz-json-1.0',
            'X-Amz-Target': `AmazonSQS.${action}`,
            'Content-Length': payload.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode !== 200) return reject(new SqsCallError(action, response.statusCode ?? 0, text));
            try {
              // Void actions may answer with an empty body (reference §1.7).
              resolve((text.length === 0 ? {} : JSON.parse(text)) as T);
            } catch (error) {
              reject(new Error(`${action}: response is not JSON: ${text.slice(0, 200)}`, { cause: error }));
            }
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  /** GET /metrics (Wharf's Prometheus text); resolves with the body's length in bytes. */
  scrapeMetrics(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const request = http.get(
        { host: this.nodes[0]!.host, port: this.nodes[0]!.port, path: '/metrics', agent: this.agent, signal: AbortSignal.timeout(this.timeoutMs) },
        (response) => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('error', reject);
          response.on('end', () => (response.statusCode === 200 ? resolve(bytes) : reject(new SqsCallError('GET /metrics', response.statusCode ?? 0, ''))));
        },
      );
      request.on('error', reject);
    });
  }

  async createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    const out = await this.call<{ QueueUrl: string }>('CreateQueue', { QueueName: name, Attributes: attributes });
    return out.QueueUrl;
  }

  deleteQueue(queueUrl: string): Promise<unknown> {
    return this.call('DeleteQueue', { QueueUrl: queueUrl });
  }

  sendMessage(queueUrl: string, body: string, fifo?: { group: string; dedupId: string }): Promise<unknown> {
    const fifoMembers = fifo ? { MessageGroupId: fifo.group, MessageDeduplicationId: fifo.dedupId } : {};
    return this.call('SendMessage', { QueueUrl: queueUrl, MessageBody: body, ...fifoMembers });
  }

  async getQueueUrl(name: string): Promise<string> {
    return (await this.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: name })).QueueUrl;
  }

  async listQueues(prefix?: string): Promise<string[]> {
    const out = await this.call<{ QueueUrls?: string[] }>('ListQueues', prefix === undefined ? {} : { QueueNamePrefix: prefix });
    return out.QueueUrls ?? [];
  }

  async approximateNumberOfMessages(queueUrl: string): Promise<number> {
    const input = { QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] };
    const out = await this.call<{ Attributes?: Record<string, string> }>('GetQueueAttributes', input);
    return Number(out.Attributes?.ApproximateNumberOfMessages);
  }

  async sendMessageBatch(queueUrl: string, entries: SendEntry[]): Promise<void> {
    const out = await this.call<BatchResult>('SendMessageBatch', { QueueUrl: queueUrl, Entries: entries });
    failOnBatchErrors('SendMessageBatch', out, entries.length);
  }

  async receive(
    queueUrl: string,
    options: { max: number; waitSeconds: number; visibilitySeconds?: number },
    signal?: AbortSignal,
  ): Promise<Message[]> {
    const input = {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.max,
      WaitTimeSeconds: options.waitSeconds,
      ...(options.visibilitySeconds === undefined ? {} : { VisibilityTimeout: options.visibilitySeconds }),
    };
    const out = await this.call<{ Messages?: Message[] }>('ReceiveMessage', input, signal);
    return out.Messages ?? [];
  }

  async deleteBatch(queueUrl: string, messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    const entries = messages.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle }));
    const out = await this.call<BatchResult>('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: entries });
    failOnBatchErrors('DeleteMessageBatch', out, entries.length);
  }

  close(): void {
    this.agent.destroy();
  }
}

// A per-entry failure arrives with HTTP 200 (reference: SendMessageBatch), so it must be checked here
// or the bench would count messages that were never stored.
function failOnBatchErrors(action: string, out: BatchResult, expected: number): void {
  const failed = out.Failed ?? [];
  if (failed.length > 0 || (out.Successful?.length ?? 0) !== expected) {
    throw new Error(`${action}: ${failed.length} failed of ${expected}: ${JSON.stringify(failed.slice(0, 3))}`);
  }
}

/**
 * True when a server answered that it does not implement an action (the minimal broker answers
 * InvalidAction; other peers say UnknownOperation or "not implemented"). Side-by-side runs show such a
 * scenario as "n/a" for that server instead of a failure.
 */
export function isUnsupported(error: unknown): boolean {
  if (!(error instanceof SqsCallError)) return false;
  return /InvalidAction|UnknownOperation|UnsupportedOperation|not implemented|not supported/i.test(error.body);
}
