import type Database from 'better-sqlite3';
import type { DeleteRequest, HandleOutcome, VisibilityChange, VisibilityOutcome } from '../storage.js';
import type { GroupOps } from './groups.js';
import type { MessageCounts } from './message-counts.js';
import type { QueueReads } from './queues.js';

// deleteMessages and changeVisibilities. SQS returns a new receipt handle on every receive and only the
// latest one is authoritative, so both compare the handle's token with receipt_token (a CAS) instead of
// trusting the message id. Storage only reports what it found; actions map the outcome to AWS errors.

export const handlesSql = {
  // messages primary key; queue_id guards against a handle of another queue.
  find: `SELECT seq, group_id, receipt_token, visible_at, received_at FROM messages
    WHERE seq = @seq AND queue_id = @queueId`,
  // Cascades to message_payloads.
  delete: `DELETE FROM messages WHERE seq = ?`,
  setVisibleAt: `UPDATE messages SET visible_at = @visibleAt WHERE seq = @seq`,
} as const;

interface HandleRow {
  seq: number;
  group_id: string;
  receipt_token: string | null;
  visible_at: number;
  received_at: number | null;
}

export function prepareHandles(db: Database.Database, deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts }) {
  const { reads, groups, counts } = deps;
  const find = db.prepare<{ seq: number; queueId: number }, HandleRow>(handlesSql.find);
  const remove = db.prepare<[number]>(handlesSql.delete);
  const setVisibleAt = db.prepare<{ seq: number; visibleAt: number }>(handlesSql.setVisibleAt);

  return {
    deleteMessages(queueId: number, requests: DeleteRequest[], now: number): HandleOutcome[] {
      const mode = reads.info(queueId)?.mode ?? 'plain';
      return requests.map(({ ref, allowStale }): HandleOutcome => {
        const row = find.get({ seq: ref.seq, queueId });
        if (!row) return 'gone';
        const outcome: HandleOutcome =
          row.receipt_token !== ref.receiptToken ? 'stale' : row.visible_at <= now ? 'expired' : 'ok';
        if (outcome !== 'ok' && !allowStale) return outcome;
        remove.run(row.seq);
        counts.add(queueId, -1);
        // Deleting anything but the group's head leaves the head where it is.
        if (groups.head(queueId, row.group_id, mode)?.head_seq === row.seq) groups.refresh(queueId, row.group_id, mode, now);
        return 'ok';
      });
    },

    changeVisibilities(queueId: number, changes: VisibilityChange[], now: number): VisibilityOutcome[] {
      const mode = reads.info(queueId)?.mode ?? 'plain';
      return changes.map(({ ref, visibleAt, maxVisibleAfterReceiveMs, allowStale }): VisibilityOutcome => {
        const row = find.get({ seq: ref.seq, queueId });
        if (!row) return 'gone';
        if (row.receipt_token !== ref.receiptToken && !allowStale) return 'stale';
        if (visibleAt - (row.received_at ?? now) > maxVisibleAfterReceiveMs) return 'overLimit';
        // Also when the visibility already ended but nobody received the message since: AWS answers 200.
        setVisibleAt.run({ seq: row.seq, visibleAt });
        const head = groups.head(queueId, row.group_id, mode);
        // The head moves if this was the head, or (standard) if it is now visible before the head.
        if (!head || head.head_seq === row.seq || visibleAt < head.head_visible_at) {
          groups.refresh(queueId, row.group_id, mode, now);
        }
        return 'ok';
      });
    },
  };
}
