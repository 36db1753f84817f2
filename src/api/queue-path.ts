import { SqsErrors } from '../core/errors.js';

// A queue path is exactly `/<account>/<name>` (or `/queue/<region>/<account>/<name>`) after decoding.
// fastify decodes `%2F` inside a parameter, so `/000000000000/..%2fvictim2` arrives as the name
// `../victim2`, and a URL built from it would resolve to another queue. Dot segments, encoded slashes and
// backslashes therefore make the address invalid rather than being resolved.
const ENCODED_SEPARATOR = /%(2f|5c)/i;

export function checkQueuePath(url: string, accountId: string, queueName: string): void {
  const path = url.split('?', 1)[0] ?? '';
  const bad = (segment: string) => segment === '' || segment === '.' || segment === '..' || /[/\\]/.test(segment);
  if (ENCODED_SEPARATOR.test(path) || bad(accountId) || bad(queueName)) throw SqsErrors.invalidAddress(printable(path));
}

/** Client text quoted in an error, bounded so a long path cannot inflate the answer. */
export function printable(text: string, max = 256): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
