import type Database from 'better-sqlite3';
import type { MessageAttributeMap, MoveTaskRecord, MoveTaskStatus } from '../../core/types.js';
import type { MoveBatchRequest, MoveBatchResult, NewMoveTask } from '../storage.js';
import type { FifoWalk, WalkVerdict } from './claim-fifo.js';
import type { GroupOps } from './groups.js';
import type { QueueReads } from './queues.js';
import type { Relocate, RelocateTarget } from './relocate.js';
import { type MessageRow, type MoveTaskRow, type QueueMode, toMoveTaskRecord } from './rows.js';
import { movedFields } from '../relocation.js';

// Message move tasks (DLQ redrive, reference §6.3). A batch moves messages and adds them to the task's
// counter in the same transaction, so a crash can neither move a message twice nor count it twice.

export const moveTasksSql = {
  insert: `INSERT INTO move_tasks (task_id, source_queue_id, source_arn, destination_arn, max_per_second, status,
      to_move, started_at)
    VALUES (@taskId, @sourceQueueId, @sourceArn, @destinationArn, @maxPerSecond, 'RUNNING', @toMove, @startedAt)
    RETURNING *`,
  get: `SELECT * FROM move_tasks WHERE task_id = ?`,
  // Uses move_tasks_source (source_queue_id, started_at), read backwards.
  list: `SELECT * FROM move_tasks WHERE source_queue_id = @sourceQueueId
    ORDER BY started_at DESC, rowid DESC LIMIT @limit`,
  // Uses move_tasks_status.
  active: `SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY started_at, rowid`,
  setStatus: `UPDATE move_tasks SET status = @status,
      failure_reason = CASE WHEN @keepReason THEN failure_reason ELSE @failureReason END
    WHERE task_id = @taskId`,
  addMoved: `UPDATE move_tasks SET moved = moved + @count WHERE task_id = @taskId`,
  // Standard sources, oldest available first; the cursor steps over messages left in place.
  // Uses messages_visibility (queue_id, visible_at, seq, ...).
  candidates: `SELECT * FROM messages INDEXED BY messages_visibility
    WHERE queue_id = @queueId AND visible_at <= @now AND expires_at > @now
      AND (visible_at, seq) > (@afterVisibleAt, @afterSeq)
    ORDER BY visible_at, seq LIMIT @limit`,
  systemAttributes: `SELECT system_attributes_json FROM message_payloads WHERE seq = ?`,
} as const;

interface MoveTarget extends RelocateTarget {
  retentionMs: number;
}

interface MoveDeps {
  reads: QueueReads;
  groups: GroupOps;
  relocate: Relocate;
  fifoWalk: FifoWalk;
}

export function prepareMoveTasks(db: Database.Database, deps: MoveDeps) {
  const s = {
    insert: db.prepare<object, MoveTaskRow>(moveTasksSql.insert),
    get: db.prepare<[string], MoveTaskRow>(moveTasksSql.get),
    list: db.prepare<{ sourceQueueId: number; limit: number }, MoveTaskRow>(moveTasksSql.list),
    active: db.prepare<[], MoveTaskRow>(moveTasksSql.active),
    setStatus: db.prepare<{ taskId: string; status: string; keepReason: number; failureReason: string | null }>(
      moveTasksSql.setStatus,
    ),
    addMoved: db.prepare<{ taskId: string; count: number }>(moveTasksSql.addMoved),
    candidates: db.prepare<
      { queueId: number; now: number; limit: number; afterVisibleAt: number; afterSeq: number },
      MessageRow
    >(moveTasksSql.candidates),
    systemAttributes: db.prepare<[number], string>(moveTasksSql.systemAttributes).pluck(),
  };

  const targetOf = (queueId: number, retentionMs: number): MoveTarget | null => {
    const info = deps.reads.info(queueId);
    return info ? { queueId, fifo: info.fifo, retentionMs } : null;
  };

  /** The destination of one message, or null when it cannot be placed (its source queue is gone). */
  const makeResolver = (request: MoveBatchRequest) => {
    if (request.destinationQueueId !== null) {
      const fixed = targetOf(request.destinationQueueId, request.destinationRetentionMs);
      if (!fixed) throw new Error(`destination queue ${request.destinationQueueId} does not exist`);
      return (): MoveTarget | null => fixed;
    }
    const byArn = new Map<string, MoveTarget | null>();
    return (row: MessageRow): MoveTarget | null => {
      const attributes = JSON.parse(s.systemAttributes.get(row.seq) ?? '{}') as MessageAttributeMap;
      const arn = attributes['DeadLetterQueueSourceArn']?.StringValue;
      if (arn === undefined) return null;
      if (!byArn.has(arn)) {
        const source = request.resolveSource(arn);
        byArn.set(arn, source && targetOf(source.queueId, source.retentionMs));
      }
      return byArn.get(arn) ?? null;
    };
  };

  /** Moves up to `max` messages oldest-first, stepping over (and counting) those that stay. */
  const moveStandard = (
    queueId: number,
    mode: QueueMode,
    now: number,
    max: number,
    visit: (row: MessageRow) => WalkVerdict,
  ) => {
    const touchedGroups = new Set<string>();
    let cursor = { afterVisibleAt: -1, afterSeq: -1 };
    let moved = 0;
    while (moved < max) {
      const limit = max - moved;
      const rows = s.candidates.all({ queueId, now, limit, ...cursor });
      for (const row of rows) {
        cursor = { afterVisibleAt: row.visible_at, afterSeq: row.seq };
        if (visit(row) !== 'counted') continue;
        moved += 1;
        touchedGroups.add(row.group_id);
      }
      if (rows.length < limit) break;
    }
    for (const groupId of touchedGroups) deps.groups.refresh(queueId, groupId, mode, now);
  };

  return {
    create(task: NewMoveTask): MoveTaskRecord {
      const row = s.insert.get({ ...task });
      if (!row) throw new Error('move task insert returned no row');
      return toMoveTaskRecord(row);
    },
    get: (taskId: string) => {
      const row = s.get.get(taskId);
      return row && toMoveTaskRecord(row);
    },
    list: (sourceQueueId: number, limit: number) => s.list.all({ sourceQueueId, limit }).map(toMoveTaskRecord),
    active: () => s.active.all().map(toMoveTaskRecord),
    setStatus(taskId: string, status: MoveTaskStatus, failureReason?: string | null): void {
      const keepReason = failureReason === undefined ? 1 : 0;
      s.setStatus.run({ taskId, status, keepReason, failureReason: failureReason ?? null });
    },

    /**
     * Moves up to `max` receivable messages (visible_at <= now) in delivery order: a FIFO source group by
     * group, each group's receivable prefix in order. A message that cannot be placed stays, is counted as
     * unresolvable, takes no slot, and (FIFO) blocks the rest of its group. In the destination a message
     * keeps its id, body and attributes, loses DeadLetterQueueSourceArn and starts afresh: receive count
     * 0, visible now, retention counted from now (a move is a re-send). moved < max means nothing
     * movable was left at `now`, so a runner may complete the task without another empty batch.
     */
    moveMessages(taskId: string, request: MoveBatchRequest): MoveBatchResult {
      const result: MoveBatchResult = { moved: 0, movedTo: [], unresolvable: 0 };
      const source = deps.reads.info(request.sourceQueueId);
      if (!s.get.get(taskId) || !source) return result;
      const { now } = request;
      const resolve = makeResolver(request);
      const movedTo = new Set<number>();
      const visit = (row: MessageRow): WalkVerdict => {
        const target = resolve(row);
        // Moving into the source itself would revisit the message at the end of the walk.
        if (!target || target.queueId === request.sourceQueueId) {
          result.unresolvable += 1;
          return 'blocked';
        }
        deps.relocate(row, target, movedFields(now, target.retentionMs), now);
        result.moved += 1;
        movedTo.add(target.queueId);
        return 'counted';
      };
      if (source.fifo) deps.fifoWalk(request.sourceQueueId, now, request.max, visit);
      else moveStandard(request.sourceQueueId, source.mode, now, request.max, visit);
      s.addMoved.run({ taskId, count: result.moved });
      result.movedTo = [...movedTo];
      return result;
    },
  };
}
