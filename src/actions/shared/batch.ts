import { z } from 'zod';
import { SqsErrors, type SqsError } from '../../core/errors.js';
import { MAX_BATCH_ENTRIES } from '../../core/limits.js';

export const BatchEntryId = z.string();

export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Request-level batch rules, shared by the three batch actions (reference §2 SendMessageBatch). */
export function checkBatchEntries(entries: readonly { Id: string }[], entryName: string): void {
  if (entries.length === 0) throw SqsErrors.emptyBatchRequest(entryName);
  if (entries.length > MAX_BATCH_ENTRIES) throw SqsErrors.tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!ENTRY_ID.test(Id)) throw SqsErrors.invalidBatchEntryId();
    if (seen.has(Id)) throw SqsErrors.batchEntryIdsNotDistinct(Id);
    seen.add(Id);
  }
}

/** A failed entry carries the Query-style code in both protocols, as AWS does. */
export function failureOf(id: string, error: SqsError): BatchFailure {
  return { Id: id, SenderFault: error.fault === 'Sender', Code: error.code, Message: error.message };
}

export function batchResult<S>(successful: S[], failed: BatchFailure[]): { Successful: S[]; Failed: BatchFailure[] } {
  return { Successful: successful, Failed: failed };
}
