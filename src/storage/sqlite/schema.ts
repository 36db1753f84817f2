// The SQLite schema as a TS constant, so the compiled dist needs no .sql file next to it.
// Times are epoch-ms INTEGERs. Every index names the query it serves; an index that serves no query is a bug.
// Bump SCHEMA_VERSION (PRAGMA user_version) and add a migration step in open.ts when this changes.

export const SCHEMA_VERSION = 5;

// Standard messages never carry a deduplication id and FIFO messages always do, so dedup_id tells the two
// apart inside an index definition: each group index holds only the messages whose queue type reads it.
// Statements that use one must repeat its condition (SQLite uses a partial index only when the WHERE
// clause implies it; INDEXED BY turns a mismatch into an error instead of a silent full scan).
const GROUP_READY_INDEX = `
-- Fair queues (standard queues with groups): a group's receivable messages, WHERE queue_id = ? AND
-- group_id = ? AND visible_at <= ? ORDER BY visible_at, seq; and a standard group's head (same order).
-- Only fair queues read it, so only their messages are in it: a plain queue's messages keep the group key
-- '' and stay out, and a fair queue's ungrouped messages are stored under ' ' (FAIR_UNGROUPED in groups.ts).
CREATE INDEX messages_group_ready ON messages (queue_id, group_id, visible_at, seq)
  WHERE dedup_id IS NULL AND group_id <> '';`;

const GROUP_INDEXES = `${GROUP_READY_INDEX}

-- FIFO only: a group's messages in order (the prefix walk of a claim, the head of a FIFO group).
CREATE INDEX messages_group_order ON messages (queue_id, group_id, seq) WHERE dedup_id IS NOT NULL;
`;

// A queue's messages in enqueue order (expires_at = enqueued_at + the queue's retention): maintenance's
// per-queue expiry (WHERE queue_id = ? AND expires_at <= ?), the expired count of queueStats, and the
// console's peek and oldest message (ORDER BY expires_at, seq).
const EXPIRY_INDEX = `CREATE INDEX messages_expiry ON messages (queue_id, expires_at, seq);`;

// Queues belong to an account (the owner in their URL and ARN): names are unique per account.
const queuesTable = (table: string) => `
CREATE TABLE ${table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  fifo INTEGER NOT NULL CHECK (fifo IN (0, 1)),
  attributes_json TEXT NOT NULL,
  retention_ms INTEGER NOT NULL,
  dead_letter_target_arn TEXT,
  -- 1 once a standard queue has held a message with a MessageGroupId (see QueueMode in rows.ts).
  fair INTEGER NOT NULL DEFAULT 0 CHECK (fair IN (0, 1)),
  created_at INTEGER NOT NULL,
  last_modified_at INTEGER NOT NULL,
  last_purged_at INTEGER,
  -- The UNIQUE autoindex serves getQueue(account, name) and listQueues (an ordered range on name within
  -- an account, or (account, name) order across accounts).
  UNIQUE (account, name)
) STRICT;`;

const QUEUE_INDEXES = `
-- listDeadLetterSources: WHERE dead_letter_target_arn = ? AND name > ? ORDER BY name (a dead-letter queue
-- and its sources share an account, which the ARN names).
CREATE INDEX queues_dead_letter_target ON queues (dead_letter_target_arn, name)
  WHERE dead_letter_target_arn IS NOT NULL;`;

const DELETED_QUEUES = `
-- AWS's 60-second recreate rule (createQueue looks an account's name up by primary key).
CREATE TABLE deleted_queues (
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (account, name)
) STRICT, WITHOUT ROWID;
-- maintenance: DELETE FROM deleted_queues WHERE deleted_at <= ?.
CREATE INDEX deleted_queues_deleted_at ON deleted_queues (deleted_at);`;

// Queues with background work on their messages: chunks of a PurgeQueue or DeleteQueue (bulk-delete.ts),
// or of a retention or FIFO delay change being applied to the messages already queued (rederive.ts).
const BACKGROUND_INDEX = `CREATE INDEX queues_background ON queues (id)
  WHERE purge_seq IS NOT NULL OR rederive_to_seq IS NOT NULL;`;

// Version 4's queue columns, added to the version 3 table (by the migration, and by SCHEMA on a new store).
const BACKGROUND_COLUMNS = `
-- Set by PurgeQueue and DeleteQueue: the queue's messages with seq <= purge_seq are gone for every read
-- and are deleted in chunks (bulk-delete.ts), so neither request holds the writer for the whole queue.
ALTER TABLE queues ADD COLUMN purge_seq INTEGER;
-- 1 for a deleted queue whose messages are still being deleted: renamed out of the way (a queue of the
-- same name may be created) and invisible to every read; the row goes with its last message.
ALTER TABLE queues ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));
-- A FIFO queue's DelaySeconds in ms once it has been changed (it then applies to queued messages too).
ALTER TABLE queues ADD COLUMN fifo_delay_ms INTEGER;
-- A deep queue's retention or FIFO delay change is applied to messages with seq in (from, to] in chunks
-- (rederive.ts); both NULL when nothing is pending.
ALTER TABLE queues ADD COLUMN rederive_from_seq INTEGER;
ALTER TABLE queues ADD COLUMN rederive_to_seq INTEGER;
${BACKGROUND_INDEX}`;

/** Steps from version N-1 to N, run in one transaction by open.ts; `@account` is the server's account id. */
export const MIGRATIONS: Record<number, string> = {
  2: `
ALTER TABLE queues ADD COLUMN fair INTEGER NOT NULL DEFAULT 0 CHECK (fair IN (0, 1));
UPDATE queues SET fair = 1 WHERE fifo = 0
  AND EXISTS (SELECT 1 FROM message_groups g WHERE g.queue_id = queues.id AND g.group_id <> '');
DELETE FROM message_groups WHERE queue_id IN (SELECT id FROM queues WHERE fifo = 0 AND fair = 0);
DROP INDEX messages_group_ready;
DROP INDEX messages_group_order;
${GROUP_INDEXES}
DROP INDEX messages_expiry;
${EXPIRY_INDEX}`,
  // Accounts. SQLite cannot drop the old UNIQUE (name), so the queues table is rebuilt (open.ts turns
  // foreign keys off around the migration: dropping the old table must not cascade). Existing queues and
  // recently deleted names go to the server's account (the @account parameter), whose queues they were.
  // The AUTOINCREMENT high-water mark is carried over, so a deleted queue's id is never reused.
  3: `
${queuesTable('queues_v3')}
INSERT INTO queues_v3 (id, account, name, fifo, attributes_json, retention_ms, dead_letter_target_arn, fair,
    created_at, last_modified_at, last_purged_at)
  SELECT id, @account, name, fifo, attributes_json, retention_ms, dead_letter_target_arn, fair,
    created_at, last_modified_at, last_purged_at FROM queues;
INSERT INTO sqlite_sequence (name, seq) SELECT 'queues_v3', seq FROM sqlite_sequence WHERE name = 'queues'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'queues_v3');
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'queues'))
  WHERE name = 'queues_v3' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'queues');
DROP TABLE queues;
ALTER TABLE queues_v3 RENAME TO queues;
${QUEUE_INDEXES}
ALTER TABLE deleted_queues RENAME TO deleted_queues_v2;
DROP INDEX deleted_queues_deleted_at;
${DELETED_QUEUES}
INSERT INTO deleted_queues (account, name, deleted_at) SELECT @account, name, deleted_at FROM deleted_queues_v2;
DROP TABLE deleted_queues_v2;`,
  4: BACKGROUND_COLUMNS,
  // Plain queues' messages leave messages_group_ready (a send then writes one B-tree fewer, and a claim or
  // delete moves one index entry fewer); the ungrouped messages of fair queues move to the group ' '.
  5: `
UPDATE messages SET group_id = ' ' WHERE group_id = '' AND dedup_id IS NULL
  AND queue_id IN (SELECT id FROM queues WHERE fair = 1);
UPDATE message_groups SET group_id = ' ' WHERE group_id = ''
  AND queue_id IN (SELECT id FROM queues WHERE fair = 1);
DROP INDEX messages_group_ready;
${GROUP_READY_INDEX}`,
};

export const SCHEMA = `
-- AUTOINCREMENT: ids are never reused, because receipt handles embed the queue id.
${queuesTable('queues')}
${QUEUE_INDEXES}
${BACKGROUND_COLUMNS}

CREATE TABLE queue_tags (
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (queue_id, key)
) STRICT, WITHOUT ROWID;

${DELETED_QUEUES}

-- The hot row: a receive rewrites visible_at/receive_count/receipt_token here and never touches the body,
-- which lives in message_payloads (measured: claiming a 1 MiB message in the same row drops receive
-- from ~700/s to ~150/s). AUTOINCREMENT: seq is the FIFO order and SequenceNumber, so it must never be
-- reused, not even after the newest message is deleted.
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  -- '' when the message has no group, ' ' when it has none in a fair queue (valid group ids are 1-128
  -- printable characters without spaces), so group indexes need no NULL case.
  group_id TEXT NOT NULL,
  dedup_id TEXT,
  sender_id TEXT NOT NULL,
  md5_of_body TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  -- Base of retention: sent_at, or the move time after a FIFO dead-letter move or a move task.
  -- expires_at = enqueued_at + the queue's retention_ms, recomputed when the retention changes.
  enqueued_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER,
  received_at INTEGER,
  receipt_token TEXT
) STRICT;

-- queueStats (COUNTs, covered: no table lookups), nextVisibleAt (first entry with visible_at > now),
-- standard move tasks (WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at, seq), and every
-- per-queue bulk statement (purge, retention update, FK cascade on queue delete). seq sits before the
-- covered columns so that ORDER BY visible_at, seq is index order.
CREATE INDEX messages_visibility ON messages (queue_id, visible_at, seq, receive_count, expires_at);

${GROUP_INDEXES}
${EXPIRY_INDEX}

CREATE TABLE message_payloads (
  seq INTEGER PRIMARY KEY REFERENCES messages (seq) ON DELETE CASCADE,
  body TEXT NOT NULL,
  attributes_json TEXT NOT NULL,
  system_attributes_json TEXT NOT NULL
) STRICT;

-- One row per (queue, group) that has messages of a FIFO or fair queue; the ungrouped messages of a fair
-- queue form the group ' '.
-- It lets a claim pick receivable groups without looking at the messages of blocked groups:
--   FIFO:     head = the group's oldest message (min seq); ready_at = head_visible_at. The group is
--             receivable iff ready_at <= now (a group whose head is in flight or delayed yields nothing).
--   standard: head = the group's earliest-visible message (min visible_at, seq); served_at = when a
--             receive last took from the group; ready_at = max(head_visible_at, served_at), so a group
--             just served sorts after groups still waiting (round-robin across receives, see claim-fair.ts).
-- Kept in sync on send, claim, delete, visibility change, redrive, move, expiry and purge.
CREATE TABLE message_groups (
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  group_id TEXT NOT NULL,
  head_seq INTEGER NOT NULL,
  head_visible_at INTEGER NOT NULL,
  served_at INTEGER NOT NULL DEFAULT 0,
  ready_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, group_id)
) STRICT, WITHOUT ROWID;

-- Claims: WHERE queue_id = ? AND ready_at <= ? ORDER BY ready_at, head_seq (a range, then index order).
CREATE INDEX message_groups_ready ON message_groups (queue_id, ready_at, head_seq);

-- FIFO deduplication history. scope is '' (queue scope) or the group id (messageGroup scope).
-- Outlives the message (until expires_at); purgeQueue clears it.
CREATE TABLE fifo_dedup (
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  dedup_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, scope, dedup_id)
) STRICT, WITHOUT ROWID;
-- maintenance: DELETE FROM fifo_dedup WHERE expires_at <= ?.
CREATE INDEX fifo_dedup_expiry ON fifo_dedup (expires_at);

-- FIFO ReceiveRequestAttemptId: the claimed [seq, receipt_token] pairs of a receive, for 5 minutes.
CREATE TABLE receive_attempts (
  queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  attempt_id TEXT NOT NULL,
  claims_json TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
) STRICT, WITHOUT ROWID;
-- maintenance: DELETE FROM receive_attempts WHERE expires_at <= ?.
CREATE INDEX receive_attempts_expiry ON receive_attempts (expires_at);

CREATE TABLE move_tasks (
  task_id TEXT NOT NULL UNIQUE,
  source_queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED')),
  moved INTEGER NOT NULL DEFAULT 0,
  to_move INTEGER NOT NULL,
  failure_reason TEXT,
  started_at INTEGER NOT NULL
) STRICT;
-- listMoveTasks: WHERE source_queue_id = ? ORDER BY started_at DESC, rowid DESC (and the FK cascade).
CREATE INDEX move_tasks_source ON move_tasks (source_queue_id, started_at);
-- activeMoveTasks: WHERE status IN ('RUNNING', 'CANCELLING').
CREATE INDEX move_tasks_status ON move_tasks (status);
`;
