import { type HandleRow, deleteOutcome, visibilityMovesHead, visibilityOutcome } from '../handle-rules.js';
import type { DeleteRequest, HandleOutcome, VisibilityChange, VisibilityOutcome } from '../storage.js';
import type { GroupOps } from './groups.js';
import { addCount } from './message-counts.js';
import type { QueueReads } from './queues.js';
import { type Tx, sql } from './tx.js';

// deleteMessages and changeVisibilities, as sqlite/messages-handles.ts (receipt-token CAS). The row is
// read FOR UPDATE (a batch at once, in seq order): a concurrent claim of the same message on another node either committed (the token no
// longer matches: stale) or waits for this change. Group heads are refreshed under the group lock (groups.ts).

export const handlesSql = {
  // messages primary key; queue_id guards against a handle of another queue.
  // A whole batch's rows in one statement, locked in seq order (messages primary key per element).
  find: sql('handles_find', `SELECT seq, group_id, receipt_token, visible_at, received_at FROM messages
    WHERE seq = ANY ($1::bigint[]) AND queue_id = $2 ORDER BY seq FOR UPDATE`),
  delete: sql('handles_delete', `DELETE FROM messages WHERE seq = ANY ($1::bigint[])`),
  setVisibleAt: sql('handles_set_visible_at', `UPDATE messages m SET visible_at = c.visible_at
    FROM unnest($1::bigint[], $2::bigint[]) AS c(seq, visible_at) WHERE m.seq = c.seq`),
} as const;


export function prepareHandles(deps: { reads: QueueReads; groups: GroupOps; announce: (tx: Tx, queueId: number, count: number) => void }) {
  const { reads, groups } = deps;

  /** The rows a batch names, by seq; one statement however long the batch. */
  const findAll = async (tx: Tx, queueId: number, seqs: number[]) => {
    const rows = await tx.rows<HandleRow>(handlesSql.find, [seqs, queueId]);
    return new Map(rows.map((row) => [row.seq, row]));
  };

  return {
    async deleteMessages(tx: Tx, queueId: number, requests: DeleteRequest[], now: number): Promise<HandleOutcome[]> {
      const mode = (await reads.info(queueId))?.mode ?? 'plain';
      const rows = await findAll(tx, queueId, requests.map(({ ref }) => ref.seq));
      const toDelete = new Map<number, HandleRow>();
      const outcomes = requests.map((request): HandleOutcome => {
        const row = rows.get(request.ref.seq);
        // A seq named twice: the first entry deletes it, the second finds it gone (as one after the other).
        const outcome = deleteOutcome(row && !toDelete.has(row.seq) ? row : undefined, request, now);
        if (outcome === 'ok') toDelete.set(row!.seq, row!);
        return outcome;
      });
      if (toDelete.size === 0) return outcomes;
      await tx.run(handlesSql.delete, [[...toDelete.keys()]]);
      addCount(tx, queueId, -toDelete.size);
      if (mode !== 'plain') {
        // Deleting anything but a group's head leaves the head where it is. A refresh reads the group as
        // the whole batch left it, so each group is refreshed once at most.
        const heads = await groups.heads(tx, queueId, [...toDelete.values()].map((row) => row.group_id), mode);
        const moved = new Set([...toDelete.values()].filter((row) => heads.get(row.group_id)?.head_seq === row.seq).map((row) => row.group_id));
        for (const groupId of moved) await groups.refresh(tx, queueId, groupId, mode, now);
      }
      // Deleting a FIFO group's head may unblock the group (other nodes' polls wake, as delete-message.ts does here).
      if (mode === 'fifo') deps.announce(tx, queueId, 1);
      return outcomes;
    },

    async changeVisibilities(tx: Tx, queueId: number, changes: VisibilityChange[], now: number): Promise<VisibilityOutcome[]> {
      const mode = (await reads.info(queueId))?.mode ?? 'plain';
      const rows = await findAll(tx, queueId, changes.map(({ ref }) => ref.seq));
      // The last change of a message in the batch wins, as when they ran one after the other.
      const updates = new Map<number, number>();
      const outcomes = changes.map((change): VisibilityOutcome => {
        const row = rows.get(change.ref.seq);
        const outcome = visibilityOutcome(row, change, now);
        if (outcome === 'ok') updates.set(row!.seq, change.visibleAt);
        return outcome;
      });
      if (updates.size === 0) return outcomes;
      await tx.run(handlesSql.setVisibleAt, [[...updates.keys()], [...updates.values()]]);
      if (mode !== 'plain') {
        // A group whose head any change of the batch moves (against the head before the batch) is refreshed
        // once, after all of them: the refresh reads the group as the whole batch left it.
        const groupOf = (seq: number) => rows.get(seq)!.group_id;
        const heads = await groups.heads(tx, queueId, [...updates.keys()].map(groupOf), mode);
        const moved = new Set([...updates].filter(([seq, visibleAt]) => visibilityMovesHead(heads.get(groupOf(seq)), seq, visibleAt)).map(([seq]) => groupOf(seq)));
        for (const groupId of moved) await groups.refresh(tx, queueId, groupId, mode, now);
      }
      deps.announce(tx, queueId, updates.size);
      return outcomes;
    },
  };
}
