import type { DeleteRequest, HandleOutcome, VisibilityChange, VisibilityOutcome } from '../storage.js';
import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { type Tx, sql } from './tx.js';

// deleteMessages and changeVisibilities, as sqlite/messages-handles.ts (receipt-token CAS). The row is
// read FOR UPDATE: a concurrent claim of the same message on another node either committed (the token no
// longer matches: stale) or waits for this change. Group heads are refreshed under the group lock (groups.ts).

export const handlesSql = {
  // messages primary key; queue_id guards against a handle of another queue.
  find: sql('handles_find', `SELECT seq, group_id, receipt_token, visible_at, received_at FROM messages
    WHERE seq = $1 AND queue_id = $2 FOR UPDATE`),
  delete: sql('handles_delete', `DELETE FROM messages WHERE seq = $1`),
  setVisibleAt: sql('handles_set_visible_at', `UPDATE messages SET visible_at = $2 WHERE seq = $1`),
} as const;

interface HandleRow {
  seq: number;
  group_id: string;
  receipt_token: string | null;
  visible_at: number;
  received_at: number | null;
}

export function prepareHandles(deps: { reads: QueueReads; groups: GroupOps; announce: (tx: Tx, queueId: number, count: number) => void }) {
  const { reads, groups } = deps;

  return {
    async deleteMessages(tx: Tx, queueId: number, requests: DeleteRequest[], now: number): Promise<HandleOutcome[]> {
      const queue = await reads.info(queueId);
      const mode = queue?.mode ?? 'plain';
      const outcomes: HandleOutcome[] = [];
      for (const { ref, allowStale } of requests) {
        const row = await tx.one<HandleRow>(handlesSql.find, [ref.seq, queueId]);
        if (!row) {
          outcomes.push('gone');
          continue;
        }
        const outcome: HandleOutcome = row.receipt_token !== ref.receiptToken ? 'stale' : row.visible_at <= now ? 'expired' : 'ok';
        if (outcome !== 'ok' && !allowStale) {
          outcomes.push(outcome);
          continue;
        }
        await tx.run(handlesSql.delete, [row.seq]);
        addCount(tx, queueId, -1);
        if ((await groups.head(tx, queueId, row.group_id, mode))?.head_seq === row.seq) {
          await groups.refresh(tx, queueId, row.group_id, mode, now);
        }
        outcomes.push('ok');
      }
      // Deleting a FIFO group's head may unblock the group (other nodes' polls wake, as delete-message.ts does here).
      if (mode === 'fifo' && outcomes.includes('ok')) deps.announce(tx, queueId, 1);
      return outcomes;
    },

    async changeVisibilities(tx: Tx, queueId: number, changes: VisibilityChange[], now: number): Promise<VisibilityOutcome[]> {
      const mode = (await reads.info(queueId))?.mode ?? 'plain';
      const outcomes: VisibilityOutcome[] = [];
      for (const { ref, visibleAt, maxVisibleAfterReceiveMs, allowStale } of changes) {
        const row = await tx.one<HandleRow>(handlesSql.find, [ref.seq, queueId]);
        if (!row) {
          outcomes.push('gone');
          continue;
        }
        if (row.receipt_token !== ref.receiptToken && !allowStale) {
          outcomes.push('stale');
          continue;
        }
        if (visibleAt - (row.received_at ?? now) > maxVisibleAfterReceiveMs) {
          outcomes.push('overLimit');
          continue;
        }
        await tx.run(handlesSql.setVisibleAt, [row.seq, visibleAt]);
        const head = await groups.head(tx, queueId, row.group_id, mode);
        if (!head || head.head_seq === row.seq || visibleAt < head.head_visible_at) {
          await groups.refresh(tx, queueId, row.group_id, mode, now);
        }
        outcomes.push('ok');
      }
      const ok = outcomes.filter((outcome) => outcome === 'ok').length;
      if (ok > 0) deps.announce(tx, queueId, ok);
      return outcomes;
    },
  };
}
