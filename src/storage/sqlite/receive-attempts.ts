import type Database from 'better-sqlite3';
import type { GroupOps } from './groups.js';
import type { MessageRow, QueueMode } from './rows.js';

// FIFO ReceiveRequestAttemptId (reference §5): a retry with the same id within 5 minutes returns the same
// messages and receipt handles, with their visibility reset, as long as none of them was deleted, changed
// or re-received (same token, still in flight). Otherwise the receive claims afresh and the id now
// refers to that new claim. The window runs from the receive that claimed the messages.

export const ATTEMPT_WINDOW_MS = 5 * 60_000;

export const attemptsSql = {
  // receive_attempts primary key.
  find: `SELECT claims_json FROM receive_attempts
    WHERE queue_id = @queueId AND attempt_id = @attemptId AND expires_at > @now`,
  remember: `INSERT INTO receive_attempts (queue_id, attempt_id, claims_json, expires_at)
    VALUES (@queueId, @attemptId, @claimsJson, @expiresAt)
    ON CONFLICT (queue_id, attempt_id) DO UPDATE SET
      claims_json = excluded.claims_json, expires_at = excluded.expires_at`,
  // messages primary key.
  message: `SELECT * FROM messages WHERE seq = @seq AND queue_id = @queueId`,
  extend: `UPDATE messages SET visible_at = @visibleAt WHERE seq = @seq RETURNING *`,
} as const;

type Claims = Array<[seq: number, token: string]>;

export type Attempts = ReturnType<typeof prepareAttempts>;

export function prepareAttempts(db: Database.Database, groups: GroupOps) {
  const find = db.prepare<{ queueId: number; attemptId: string; now: number }, string>(attemptsSql.find).pluck();
  const remember = db.prepare<{ queueId: number; attemptId: string; claimsJson: string; expiresAt: number }>(
    attemptsSql.remember,
  );
  const message = db.prepare<{ seq: number; queueId: number }, MessageRow>(attemptsSql.message);
  const extend = db.prepare<{ seq: number; visibleAt: number }, MessageRow>(attemptsSql.extend);

  return {
    /** The rows of a replayable attempt with visibility reset to `visibleAt`, or null to claim afresh. */
    replay(queueId: number, attemptId: string, now: number, visibleAt: number, mode: QueueMode): MessageRow[] | null {
      const claimsJson = find.get({ queueId, attemptId, now });
      if (claimsJson === undefined) return null;
      const claims = JSON.parse(claimsJson) as Claims;
      if (claims.length === 0) return null;
      for (const [seq, token] of claims) {
        const row = message.get({ seq, queueId });
        if (!row || row.receipt_token !== token || row.visible_at <= now) return null;
      }
      const rows: MessageRow[] = [];
      for (const [seq] of claims) {
        const row = extend.get({ seq, visibleAt });
        if (!row) return null;
        rows.push(row);
        groups.refresh(queueId, row.group_id, mode, now);
      }
      return rows;
    },

    remember(queueId: number, attemptId: string, rows: MessageRow[], now: number): void {
      const claims: Claims = rows.map((row) => [row.seq, row.receipt_token ?? '']);
      remember.run({ queueId, attemptId, claimsJson: JSON.stringify(claims), expiresAt: now + ATTEMPT_WINDOW_MS });
    },
  };
}
