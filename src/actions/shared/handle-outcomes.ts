import { SqsErrors, type SqsError } from '../../core/errors.js';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../../core/limits.js';
import type { HandleOutcome, VisibilityOutcome } from '../../storage/storage.js';

// Storage reports what it found; these map findings to AWS's answers (reference §2 DeleteMessage,
// ChangeMessageVisibility). Standard queues ask storage to delete on stale handles, so only FIFO queues
// see 'stale' or 'expired' from a delete.

export function deleteError(handle: string, outcome: HandleOutcome): SqsError | null {
  if (outcome === 'ok' || outcome === 'gone') return null;
  return SqsErrors.invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');
}

export function visibilityError(handle: string, visibilityTimeout: number, outcome: VisibilityOutcome): SqsError | null {
  switch (outcome) {
    case 'ok':
    case 'expired':
      return null;
    case 'overLimit':
      return SqsErrors.invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds].`,
      );
    default:
      return SqsErrors.invalidParameter(
        'ReceiptHandle',
        handle,
        'Message does not exist or is not available for visibility timeout change.',
      );
  }
}

export const VISIBILITY_RANGE_REASON = `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT_SECONDS}, if provided.`;
