import type { ActionDef } from './actions/define-action.js';
import type { QueueSpec } from './config-file.js';
import type { ActionContext, Services } from './core/context.js';
import { SqsError } from './core/errors.js';

// Startup provisioning of the config file's `queues:`. It runs the SQS actions themselves (CreateQueue,
// SetQueueAttributes, TagQueue, ...) with a server-side ActionContext, so every rule a client would meet
// (attribute ranges, redrive checks, tag limits) applies to the file too, and the storage layer is reached
// only through the code that serves clients.
//
// Two passes, so that a dead-letter queue listed after its source works: first every queue is created if
// missing, then attributes (with RedrivePolicy) and tags are set to the file's values. A queue the file
// does not list is left alone; attributes the file does not name keep their current values; the tag set
// of a listed queue becomes exactly the file's.

/** A queue the file asks for that the actions refused; `at` is its key path in the file. */
export class ProvisionError extends Error {
  constructor(
    readonly at: string,
    message: string,
  ) {
    super(`${at}: ${message}`);
  }
}

export interface ProvisionOptions {
  services: Services;
  actions: Record<string, ActionDef<any, any>>;
  /** Origin of the queue URLs the actions build; any value works, as queues are found by name. */
  baseUrl: string;
}

export async function provisionQueues(queues: readonly QueueSpec[], options: ProvisionOptions): Promise<void> {
  const ctx: ActionContext = {
    ...options.services,
    request: {
      baseUrl: options.baseUrl,
      signal: new AbortController().signal,
      senderId: options.services.identity.accountId,
      accountId: options.services.identity.accountId,
    },
  };
  const call = async <T>(at: string, action: string, input: object): Promise<T> => {
    const def = options.actions[action]!;
    try {
      return (await def.run(def.input(ctx.limits).parse(input), ctx)) as T;
    } catch (error) {
      if (error instanceof SqsError) throw new ProvisionError(at, `${action} refused: ${error.message}`);
      throw error;
    }
  };
  const urls = new Map<string, string>();
  for (const [i, queue] of queues.entries()) {
    const created = await call<{ QueueUrl: string }>(`queues[${i}]`, 'CreateQueue', {
      QueueName: queue.name,
      Attributes: queue.fifo ? { FifoQueue: 'true' } : undefined,
    });
    urls.set(queue.name, created.QueueUrl);
  }
  for (const [i, queue] of queues.entries()) {
    const QueueUrl = urls.get(queue.name)!;
    const attributes = await attributesOf(queue, urls, (dlqUrl) => call(`queues[${i}].deadLetter`, 'GetQueueAttributes', dlqUrl));
    if (Object.keys(attributes).length > 0) {
      await call(`queues[${i}].attributes`, 'SetQueueAttributes', { QueueUrl, Attributes: attributes });
    }
    if (queue.tags !== undefined) await setTags(`queues[${i}].tags`, QueueUrl, stringsOf(queue.tags), call);
  }
}

type Call = <T>(at: string, action: string, input: object) => Promise<T>;

async function attributesOf(
  queue: QueueSpec,
  urls: ReadonlyMap<string, string>,
  getAttributes: (input: object) => Promise<unknown>,
): Promise<Record<string, string>> {
  // FifoQueue is fixed at creation (and checked against the name by the file's schema).
  const { FifoQueue: _fixed, ...rest } = stringsOf(queue.attributes ?? {});
  if (queue.deadLetter === undefined) return rest;
  const dlq = (await getAttributes({ QueueUrl: urls.get(queue.deadLetter.queue), AttributeNames: ['QueueArn'] })) as {
    Attributes: { QueueArn: string };
  };
  const policy = { deadLetterTargetArn: dlq.Attributes.QueueArn, maxReceiveCount: queue.deadLetter.maxReceiveCount };
  return { ...rest, RedrivePolicy: JSON.stringify(policy) };
}

async function setTags(at: string, QueueUrl: string, tags: Record<string, string>, call: Call): Promise<void> {
  const current = await call<{ Tags?: Record<string, string> }>(at, 'ListQueueTags', { QueueUrl });
  const extra = Object.keys(current.Tags ?? {}).filter((key) => !Object.hasOwn(tags, key));
  if (extra.length > 0) await call(at, 'UntagQueue', { QueueUrl, TagKeys: extra });
  if (Object.keys(tags).length > 0) await call(at, 'TagQueue', { QueueUrl, Tags: tags });
}

const stringsOf = (values: Record<string, string | number | boolean>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
