import type Database from 'better-sqlite3';
import { type HandleRow, deleteOutcome, visibilityMovesHead, visibilityOutcome } from '../handle-rules.js';
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
  // messages primary key, cascading likewise: a plain queue's delete that may take a stale handle.
  deleteOfQueue: `DELETE FROM messages WHERE seq = ? AND queue_id = ?`,
  setVisibleAt: `UPDATE messages SET visible_at = @visibleAt WHERE seq = @seq`,
} as const;


export function prepareHandles(db: Database.Database, deps: { reads: QueueReads; groups: GroupOps; counts: MessageCounts }) {
  const { reads, groups, counts } = deps;
  const find = db.prepare<{ seq: number; queueId: number }, HandleRow>(handlesSql.find);
  const remove = db.prepare<[number]>(handlesSql.delete);
  const removeOfQueue = db.prepare<[number, number]>(handlesSql.deleteOfQueue);
  const setVisibleAt = db.prepare<{ seq: number; visibleAt: number }>(handlesSql.setVisibleAt);

  return {
    deleteMessages(queueId: number, requests: DeleteRequest[], now: number): HandleOutcome[] {
      const mode = reads.info(queueId)?.mode ?? 'plain';
      return requests.map((request): HandleOutcome => {
        // A handle that may be stale deletes whatever message it names (deleteOutcome), and a plain queue
        // keeps no group heads: nothing needs the row first, so one statement does it.
        if (mode === 'plain' && request.allowStale) {
          if (removeOfQueue.run(request.ref.seq, queueId).changes === 0) return 'gone';
          counts.add(queueId, -1);
          return 'ok';
        }
        const row = find.get({ seq: request.ref.seq, queueId });
        const outcome = deleteOutcome(row, request, now);
        if (outcome !== 'ok' || !row) return outcome;
        remove.run(row.seq);
        counts.add(queueId, -1);
        // Deleting anything but the group's head leaves the head where it is.
        if (groups.head(queueId, row.group_id, mode)?.head_seq === row.seq) groups.refresh(queueId, row.group_id, mode, now);
        return 'ok';
      });
    },

    changeVisibilities(queueId: number, changes: VisibilityChange[], now: number): VisibilityOutcome[] {
      const mode = reads.info(queueId)?.mode ?? 'plain';
      return changes.map((change): VisibilityOutcome => {
        const row = find.get({ seq: change.ref.seq, queueId });
        const outcome = visibilityOutcome(row, change, now);
        if (outcome !== 'ok' || !row) return outcome;
        setVisibleAt.run({ seq: row.seq, visibleAt: change.visibleAt });
        if (visibilityMovesHead(groups.head(queueId, row.group_id, mode), row.seq, change.visibleAt)) {
          groups.refresh(queueId, row.group_id, mode, now);
        }
        return 'ok';
      });
    },
  };
}
