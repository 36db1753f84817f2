import { hash, randomBytes, randomUUID } from 'node:crypto';
import type { ReceiptRef } from './types.js';

export function newMessageId(): string {
  return randomUUID();
}

export function newReceiptToken(): string {
  return randomBytes(12).toString('base64url');
}

// A receipt handle is opaque to clients: base64url of "queueId.seq.token" plus a short checksum, so a
// mangled or made-up handle is told apart from a stale one (AWS answers ReceiptHandleIsInvalid for the
// former and accepts stale handles on standard queues).
const HANDLE_PREFIX = 'wh1';

// crypto.hash: the one-shot form, without a Hash object per call (every received message and every
// handle a delete or visibility change names pays one).
function checksum(text: string): string {
  return hash('sha256', text, 'base64url').slice(0, 8);
}

export function encodeReceiptHandle(ref: ReceiptRef): string {
  const text = `${HANDLE_PREFIX}.${ref.queueId}.${ref.seq}.${ref.receiptToken}`;
  return Buffer.from(`${text}.${checksum(text)}`).toString('base64url');
}

export function decodeReceiptHandle(handle: string): ReceiptRef | null {
  if (handle.length === 0 || handle.length > 1024) return null;
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('.');
  if (parts.length !== 5 || parts[0] !== HANDLE_PREFIX) return null;
  const [, queueId, seq, receiptToken, sum] = parts as [string, string, string, string, string];
  if (checksum(parts.slice(0, 4).join('.')) !== sum) return null;
  const ref = { queueId: Number(queueId), seq: Number(seq), receiptToken };
  return Number.isSafeInteger(ref.queueId) && Number.isSafeInteger(ref.seq) ? ref : null;
}

// AWS sequence numbers are large, increasing, non-consecutive decimal strings (e.g. 18849496460467696128).
// Offsetting the storage sequence keeps them 20 digits long and increasing.
const SEQUENCE_BASE = 10n ** 19n;

export function sequenceNumberOf(seq: number): string {
  return (SEQUENCE_BASE + BigInt(seq)).toString();
}
