import { SqsErrors } from './errors.js';
import type { ServerIdentity } from './context.js';

export function queueUrlOf(baseUrl: string, identity: ServerIdentity, name: string): string {
  return `${baseUrl}/${identity.accountId}/${name}`;
}

export function queueArnOf(identity: ServerIdentity, name: string): string {
  return `arn:aws:sqs:${identity.region}:${identity.accountId}:${name}`;
}

/**
 * The queue name a QueueUrl points at. Like other emulators we ignore the host (clients reach us under many
 * names) and take the last path segment; a bare name is accepted too. Returns null for an empty value.
 */
export function queueNameFromUrl(queueUrl: string): string | null {
  // Clients repeat the same few URLs on every request; parsing one with URL costs more than a lookup.
  const known = parsedNames.get(queueUrl);
  if (known !== undefined) return known;
  const name = parseQueueName(queueUrl);
  if (parsedNames.size >= PARSED_NAMES_LIMIT) parsedNames.clear();
  parsedNames.set(queueUrl, name);
  return name;
}

const PARSED_NAMES_LIMIT = 10_000;
const parsedNames = new Map<string, string | null>();

function parseQueueName(queueUrl: string): string | null {
  try {
    const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(queueUrl) ? new URL(queueUrl).pathname : queueUrl;
    const name = path.split('/').filter((segment) => segment.length > 0).at(-1);
    return name ? decodeURIComponent(name) : null;
  } catch {
    // Not a parsable URL or bad percent-encoding: no such queue (a client error, never a 500).
    return null;
  }
}

export interface QueueArn {
  region: string;
  accountId: string;
  name: string;
}

export function parseQueueArn(arn: string): QueueArn | null {
  const match = /^arn:aws[a-z-]*:sqs:([a-z0-9-]*):([0-9]+):([A-Za-z0-9_.-]+)$/.exec(arn);
  if (!match) return null;
  const [, region, accountId, name] = match as unknown as [string, string, string, string];
  return { region, accountId, name };
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** 1–80 characters of [A-Za-z0-9_-]; a FIFO name's `.fifo` suffix counts toward the 80. */
export function validateQueueName(name: string): void {
  const base = name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
  if (name.length > 80 || !QUEUE_NAME.test(base)) {
    throw SqsErrors.invalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}
