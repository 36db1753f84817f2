// Message attributes on the way in (MD5, size) and out (the receive-side filters). Validation lives in
// message-validation.ts and is re-exported here so actions have one module to import.
import { createHash, hash as hashOnce } from 'node:crypto';
import { isValidAttributeName } from './message-validation.js';
import type { MessageAttributeMap } from './types.js';

export {
  validateMessageAttributes,
  validateMessageBody,
  validateSystemAttributes,
} from './message-validation.js';

/** One-shot: half the cost of a Hash object per message body (strings are hashed as UTF-8). */
export function md5Hex(data: string | Buffer): string {
  return hashOnce('md5', data, 'hex');
}

const TRANSPORT_STRING = 1;
const TRANSPORT_BINARY = 2;

function isBinaryType(dataType: string): boolean {
  return dataType === 'Binary' || dataType.startsWith('Binary.');
}

/**
 * MD5OfMessageAttributes (and MD5OfMessageSystemAttributes) exactly as the Java SDK v2
 * MessageMD5ChecksumInterceptor checks it (reference §4.4): names sorted, each of name, DataType and value
 * prefixed by a 4-byte big-endian length, a transport byte between DataType and value (1 = StringValue,
 * 2 = BinaryValue as raw decoded bytes, never the base64 text).
 */
export function md5OfMessageAttributes(attributes: MessageAttributeMap): string {
  const hash = createHash('md5');
  const withLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    hash.update(length);
    hash.update(bytes);
  };
  // Default sort compares UTF-16 code units, as Java's TreeMap<String> does in the interceptor.
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(attribute.DataType, 'utf8'));
    if (isBinaryType(attribute.DataType)) {
      hash.update(Uint8Array.of(TRANSPORT_BINARY));
      withLength(Buffer.from(attribute.BinaryValue ?? '', 'base64'));
    } else {
      hash.update(Uint8Array.of(TRANSPORT_STRING));
      withLength(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/**
 * The size SQS holds against MaximumMessageSize (reference §4.1, AWS-validated): UTF-8 body bytes plus, per
 * attribute, the UTF-8 bytes of name and DataType and the value's bytes (decoded length for binary).
 * Buffer.byteLength measures without copying, which matters for multi-MiB bodies.
 */
export function messageSizeBytes(body: string, attributes: MessageAttributeMap): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType, 'utf8');
    if (isBinaryType(attribute.DataType)) size += Buffer.byteLength(attribute.BinaryValue ?? '', 'base64');
    else size += Buffer.byteLength(attribute.StringValue ?? '', 'utf8');
  }
  return size;
}

const ALL_ATTRIBUTES = new Set(['All', '.*', '*']);

/**
 * ReceiveMessage's MessageAttributeNames filter (reference §4.5, AWS-validated): `All`, `.*` or `*` select
 * everything; `Prefix.*` selects names starting with `Prefix`; other names match exactly. Names that
 * could never be attribute names (`AWS.x`, `..foo`) are ignored rather than rejected, as AWS does.
 */
export function selectMessageAttributes(
  attributes: MessageAttributeMap,
  names: readonly string[] | undefined,
): MessageAttributeMap {
  if (!names || names.length === 0) return {};
  if (names.some((name) => ALL_ATTRIBUTES.has(name))) return Object.fromEntries(Object.entries(attributes));
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const name of names) {
    if (name.endsWith('.*')) {
      // `AWS.*` names the reserved namespace, so it is as invalid as `AWS.x`, although its prefix `AWS` is not.
      const prefix = name.slice(0, -2);
      if (isValidAttributeName(prefix) && isValidAttributeName(`${prefix}.x`)) prefixes.push(prefix);
    } else if (isValidAttributeName(name)) {
      exact.add(name);
    }
  }
  // fromEntries defines own properties, so even an attribute named `__proto__` survives the copy.
  return Object.fromEntries(
    Object.entries(attributes).filter(([name]) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix))),
  );
}

/** The system attribute names ReceiveMessage accepts (reference §4.6, service model enum). */
export const SYSTEM_ATTRIBUTE_NAMES = [
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

export type SystemAttributeName = (typeof SYSTEM_ATTRIBUTE_NAMES)[number];

/**
 * MessageSystemAttributeNames / AttributeNames on receive: `All` returns what the action found applicable,
 * otherwise only requested names that apply (SequenceNumber on a standard queue adds nothing, AWS-validated).
 * Whether AWS rejects unknown names here is unverified, so they are ignored, which no client can trip on.
 */
export function selectSystemAttributes(
  available: Record<string, string>,
  requested: readonly string[] | undefined,
): Record<string, string> {
  if (!requested || requested.length === 0) return {};
  if (requested.includes('All')) return { ...available };
  // hasOwn, not `available[name]`: a requested `toString` must not find Object.prototype's.
  return Object.fromEntries(requested.filter((name) => Object.hasOwn(available, name)).map((name) => [name, available[name]!]));
}
