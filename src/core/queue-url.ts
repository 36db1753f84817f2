import { SqsErrors } from './errors.js';

/** A queue as its URL and ARN name it: the owning account and the name. */
export interface QueueAddress {
  account: string;
  name: string;
}

export function queueUrlOf(baseUrl: string, queue: QueueAddress): string {
  return `${baseUrl}/${queue.account}/${queue.name}`;
}

export function queueArnOf(region: string, queue: QueueAddress): string {
  return `arn:aws:sqs:${region}:${queue.account}:${queue.name}`;
}

/** What a QueueUrl names: the queue name, and the owner's account when the path has one before it. */
export interface QueueUrlParts {
  account: string | null;
  name: string;
}

/**
 * The queue a QueueUrl points at. Like other emulators we ignore the host (clients reach us under many
 * names) and take the last path segment as the name and a 12-digit segment before it as the owner; a bare
 * name is accepted too. Returns null for an empty value.
 */
export function queueUrlParts(queueUrl: string): QueueUrlParts | null {
  // Clients repeat the same few URLs on every request; parsing one with URL costs more than a lookup.
  const known = parsedUrls.get(queueUrl);
  if (known !== undefined) return known;
  const parts = parseQueueUrl(queueUrl);
  if (parsedUrls.size >= PARSED_URLS_LIMIT) parsedUrls.clear();
  parsedUrls.set(queueUrl, parts);
  return parts;
}

const PARSED_URLS_LIMIT = 10_000;
const parsedUrls = new Map<string, QueueUrlParts | null>();
const ACCOUNT_ID = /^[0-9]{12}$/;

function parseQueueUrl(queueUrl: string): QueueUrlParts | null {
  try {
    const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(queueUrl) ? new URL(queueUrl).pathname : queueUrl;
    const segments = path.split('/').filter((segment) => segment.length > 0);
    const name = segments.at(-1);
    if (!name) return null;
    const owner = segments.length >= 2 ? decodeURIComponent(segments.at(-2)!) : null;
    return { account: owner !== null && ACCOUNT_ID.test(owner) ? owner : null, name: decodeURIComponent(name) };
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
