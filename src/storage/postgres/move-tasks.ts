import type { MessageAttributeMap, MoveTaskRecord, MoveTaskStatus } from '../../core/types.js';
import type { MoveBatchRequest, MoveBatchResult, NewMoveTask } from '../storage.js';
import type { FifoWalk, WalkVerdict } from './claim-fifo.js';
import type { GroupOps } from './groups.js';
import type { QueueReads } from './queues.js';
import type { Relocate, RelocateTarget } from './relocate.js';
import { MESSAGE_COLUMNS, type MessageRow, type MoveTaskRow, type QueueMode, toMoveTaskRecord } from './rows.js';
import { type Tx, read, sql } from './tx.js';
import type pg from 'pg';
import { movedFields } from '../relocation.js';

// Message move tasks, as sqlite/move-tasks.ts: a batch moves messages and adds them to the task's counter
// in one transaction. Which node runs a task is decided by a lease (holdLease in postgres-storage.ts, used
// by actions/move-tasks/runner.ts); a batch is correct even if two nodes ran one at once (a node paused past
// its lease): the task row is locked for the batch, and candidates are taken SKIP LOCKED.

export const moveTasksSql = {
  insert: sql('tasks_insert', `INSERT INTO move_tasks (task_id, source_queue_id, source_arn, destination_arn, max_per_second,
      status, to_move, started_at)
    VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6, $7) RETURNING *`),
  get: sql('tasks_get', `SELECT * FROM move_tasks WHERE task_id = $1`),
  // The batch holds the task row: a second runner's batch of the same task waits, then moves what is left.
  lock: sql('tasks_lock', `SELECT status FROM move_tasks WHERE task_id = $1 FOR UPDATE`),
  // Uses move_tasks_source (source_queue_id, started_at, ord), read backwards.
  list: sql('tasks_list', `SELECT * FROM move_tasks WHERE source_queue_id = $1 ORDER BY started_at DESC, ord DESC LIMIT $2`),
  // Uses move_tasks_active.
  active: sql('tasks_active', `SELECT * FROM move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY started_at, ord`),
  setStatus: sql('tasks_set_status', `UPDATE move_tasks SET status = $2,
      failure_reason = CASE WHEN $3 THEN failure_reason ELSE $4 END WHERE task_id = $1`),
  addMoved: sql('tasks_add_moved', `UPDATE move_tasks SET moved = moved + $2 WHERE task_id = $1`),
  // Standard sources, oldest available first. Uses messages_visibility (queue_id, visible_at, seq).
  candidates: sql('tasks_candidates', `SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE queue_id = $1 AND visible_at <= $2 AND expires_at > $2 AND (visible_at, seq) > ($4, $5)
    ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED`),
} as const;

interface MoveTarget extends RelocateTarget {
  retentionMs: number;
}

export function prepareMoveTasks(pool: pg.Pool, deps: { reads: QueueReads; groups: GroupOps; relocate: Relocate; fifoWalk: FifoWalk }) {
  const targetOf = async (queueId: number, retentionMs: number): Promise<MoveTarget | null> => {
    const info = await deps.reads.info(queueId);
    return info ? { queueId, fifo: info.fifo, retentionMs } : null;
  };

  const makeResolver = async (request: MoveBatchRequest) => {
    if (request.destinationQueueId !== null) {
      const fixed = await targetOf(request.destinationQueueId, request.destinationRetentionMs);
      if (!fixed) throw new Error(`destination queue ${request.destinationQueueId} does not exist`);
      return async (): Promise<MoveTarget | null> => fixed;
    }
    const byArn = new Map<string, MoveTarget | null>();
    return async (row: MessageRow): Promise<MoveTarget | null> => {
      const attributes = JSON.parse(row.system_attributes_json) as MessageAttributeMap;
      const arn = attributes['DeadLetterQueueSourceArn']?.StringValue;
      if (arn === undefined) return null;
      if (!byArn.has(arn)) {
        const source = request.resolveSource(arn);
        byArn.set(arn, source && (await targetOf(source.queueId, source.retentionMs)));
      }
      return byArn.get(arn) ?? null;
    };
  };

  const moveStandard = async (tx: Tx, queueId: number, mode: QueueMode, now: number, max: number, visit: (row: MessageRow) => Promise<WalkVerdict>) => {
    const touchedGroups = new Set<string>();
    let cursor: [number, number] = [-1, -1];
    let moved = 0;
    while (moved < max) {
      const limit = max - moved;
      const rows = await tx.rows<MessageRow>(moveTasksSql.candidates, [queueId, now, limit, ...cursor]);
      for (const row of rows) {
        cursor = [row.visible_at, row.seq];
        if ((await visit(row)) !== 'counted') continue;
        moved += 1;
        touchedGroups.add(row.group_id);
      }
      if (rows.length < limit) break;
    }
    for (const groupId of touchedGroups) await deps.groups.refresh(tx, queueId, groupId, mode, now);
  };

  return {
    async create(tx: Tx, task: NewMoveTask): Promise<MoveTaskRecord> {
      const row = await tx.one<MoveTaskRow>(moveTasksSql.insert, [
        task.taskId, task.sourceQueueId, task.sourceArn, task.destinationArn, task.maxPerSecond, task.toMove, task.startedAt,
      ]);
      if (!row) throw new Error('move task insert returned no row');
      return toMoveTaskRecord(row);
    },
    get: async (taskId: string) => {
      const [row] = await read<MoveTaskRow>(pool, moveTasksSql.get, [taskId]);
      return row && toMoveTaskRecord(row);
    },
    list: async (sourceQueueId: number, limit: number) =>
      (await read<MoveTaskRow>(pool, moveTasksSql.list, [sourceQueueId, limit])).map(toMoveTaskRecord),
    active: async () => (await read<MoveTaskRow>(pool, moveTasksSql.active)).map(toMoveTaskRecord),
    async setStatus(tx: Tx, taskId: string, status: MoveTaskStatus, failureReason?: string | null): Promise<void> {
      await tx.run(moveTasksSql.setStatus, [taskId, status, failureReason === undefined, failureReason ?? null]);
    },

    async moveMessages(tx: Tx, taskId: string, request: MoveBatchRequest): Promise<MoveBatchResult> {
      const result: MoveBatchResult = { moved: 0, movedTo: [], unresolvable: 0 };
      const task = await tx.one<{ status: string }>(moveTasksSql.lock, [taskId]);
      const source = await deps.reads.info(request.sourceQueueId);
      if (!task || !source) return result;
      const { now } = request;
      const resolve = await makeResolver(request);
      const movedTo = new Set<number>();
      const visit = async (row: MessageRow): Promise<WalkVerdict> => {
        const target = await resolve(row);
        if (!target || target.queueId === request.sourceQueueId) {
          result.unresolvable += 1;
          return 'blocked';
        }
        const seq = await deps.relocate(tx, row, target, movedFields(now, target.retentionMs), now);
        if (seq === null) return 'uncounted';
        result.moved += 1;
        movedTo.add(target.queueId);
        return 'counted';
      };
      if (source.fifo) await deps.fifoWalk.walk(tx, request.sourceQueueId, now, request.max, visit);
      else await moveStandard(tx, request.sourceQueueId, source.mode, now, request.max, visit);
      await tx.run(moveTasksSql.addMoved, [taskId, result.moved]);
      result.movedTo = [...movedTo];
      return result;
    },
  };
}
