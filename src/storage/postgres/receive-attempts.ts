import type { GroupOps } from './groups.js';
import { MESSAGE_COLUMNS, type MessageRow, type QueueMode } from './rows.js';
import { type Tx, sql } from './tx.js';

// FIFO ReceiveRequestAttemptId, as sqlite/receive-attempts.ts. The replayed rows are locked FOR UPDATE
// before they are checked, so a concurrent delete or receive on another node either finished (the check
// fails and the receive claims afresh) or waits for this one.

export const ATTEMPT_WINDOW_MS = 5 * 60_000;

export const attemptsSql = {
  // receive_attempts primary key.
  find: sql('attempts_find', `SELECT claims_json FROM receive_attempts WHERE queue_id = $1 AND attempt_id = $2 AND expires_at > $3`),
  remember: sql('attempts_remember', `INSERT INTO receive_attempts (queue_id, attempt_id, claims_json, expires_at)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (queue_id, attempt_id) DO UPDATE SET claims_json = excluded.claims_json, expires_at = excluded.expires_at`),
  // messages primary key.
  message: sql('attempts_message', `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq = $1 AND queue_id = $2 FOR UPDATE`),
  extend: sql('attempts_extend', `UPDATE messages SET visible_at = $2 WHERE seq = $1 RETURNING ${MESSAGE_COLUMNS}`),
} as const;

type Claims = Array<[seq: number, token: string]>;

export type Attempts = ReturnType<typeof prepareAttempts>;

export function prepareAttempts(groups: GroupOps) {
  return {
    async replay(tx: Tx, queueId: number, attemptId: string, now: number, visibleAt: number, mode: QueueMode): Promise<MessageRow[] | null> {
      const found = await tx.one<{ claims_json: string }>(attemptsSql.find, [queueId, attemptId, now]);
      if (!found) return null;
      const claims = JSON.parse(found.claims_json) as Claims;
      if (claims.length === 0) return null;
      for (const [seq, token] of claims) {
        const row = await tx.one<MessageRow>(attemptsSql.message, [seq, queueId]);
        if (!row || row.receipt_token !== token || row.visible_at <= now) return null;
      }
      const rows: MessageRow[] = [];
      for (const [seq] of claims) {
        const row = await tx.one<MessageRow>(attemptsSql.extend, [seq, visibleAt]);
        if (!row) return null;
        rows.push(row);
        await groups.refresh(tx, queueId, row.group_id, mode, now);
      }
      return rows;
    },

    async remember(tx: Tx, queueId: number, attemptId: string, rows: MessageRow[], now: number): Promise<void> {
      const claims: Claims = rows.map((row) => [row.seq, row.receipt_token ?? '']);
      await tx.run(attemptsSql.remember, [queueId, attemptId, JSON.stringify(claims), now + ATTEMPT_WINDOW_MS]);
    },
  };
}
