// What a receipt handle may do to the message it names, decided the same way by both storage adapters
// (they differ only in how they read and write the rows).

import type { DeleteRequest, HandleOutcome, VisibilityChange, VisibilityOutcome } from './storage.js';

/** The columns of a message the handle rules read. */
export interface HandleRow {
  seq: number;
  group_id: string;
  receipt_token: string | null;
  visible_at: number;
  received_at: number | null;
}

/**
 * DeleteMessage: 'ok' means delete the message. A superseded handle ('stale') or one whose visibility has
 * ended ('expired') deletes only when the caller allows it (standard queues, reference §11).
 */
export function deleteOutcome(row: HandleRow | undefined, { ref, allowStale }: DeleteRequest, now: number): HandleOutcome {
  if (!row) return 'gone';
  const outcome: HandleOutcome = row.receipt_token !== ref.receiptToken ? 'stale' : row.visible_at <= now ? 'expired' : 'ok';
  return allowStale ? 'ok' : outcome;
}

/**
 * ChangeMessageVisibility: 'ok' means set the new visibility. Also when the visibility already ended but
 * nobody received the message since: AWS answers 200.
 */
export function visibilityOutcome(row: HandleRow | undefined, change: VisibilityChange, now: number): VisibilityOutcome {
  if (!row) return 'gone';
  if (row.receipt_token !== change.ref.receiptToken && !change.allowStale) return 'stale';
  if (change.visibleAt - (row.received_at ?? now) > change.maxVisibleAfterReceiveMs) return 'overLimit';
  return 'ok';
}

/** A visibility change moves its group's head if it was the head, or (standard) now comes before it. */
export function visibilityMovesHead(head: { head_seq: number; head_visible_at: number } | undefined, seq: number, visibleAt: number): boolean {
  return !head || head.head_seq === seq || visibleAt < head.head_visible_at;
}
