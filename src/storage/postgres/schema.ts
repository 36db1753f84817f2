// The PostgreSQL schema, as versioned migrations applied by migrate.ts (table schema_version). Times are
// epoch-ms bigints, as in SQLite. Every index names the query it serves.
//
// Differences from the SQLite schema, and why:
//  - One messages table holding the payload too. PostgreSQL moves large values out of line (TOAST) and an
//    UPDATE that does not change them copies only the pointer; toast_tuple_target = 256 pushes bodies out
//    of the row early, so a claim rewrites a small tuple, which is what keeps a claim cheap.
//  - No foreign key from messages to queues: an FK check locks the queue row (FOR KEY SHARE) on every send
//    and makes every concurrent sender share a MultiXact. Sends lock the queue row FOR SHARE themselves
//    (messages-send.ts) and deleteQueue removes a queue's rows explicitly.
//  - seq comes from one identity sequence, which is unique across the cluster but is allocated in call
//    order, not commit order. FIFO queues need commit order (a receive must never see seq 6 committed
//    before seq 5 of the same group), so FIFO sends hold a per-queue advisory lock from before nextval
//    until commit (see messages-send.ts); standard queues promise no order.
//  - queue_counters holds message totals (approximate counts) in shards, so concurrent writers of one queue
//    rarely update the same row.
//  - leases: cluster-wide single runners (maintenance, each move task), held by a node for a TTL measured
//    on the database's clock.
//  - Hot tables get a lower fillfactor, so a claim's new tuple version fits on the same page, and
//    aggressive per-table autovacuum (see README, "PostgreSQL").
//  - Row estimates: messages.queue_id has no statistics (migration 2). A queue fills and drains far faster
//    than autoanalyze samples (its naptime alone is a minute), so statistics said a freshly filled queue
//    held about one row; the planner then took messages_expiry (queue_id, expires_at) and sorted the whole
//    queue for every claim (auto_explain: 400-550 ms per receive on a 40,000-message queue, two nodes
//    down to ~300 msgs/s). Without statistics a queue is estimated at PostgreSQL's default 0.5 % of the
//    table, which keeps every per-queue statement on the index that gives its order.

export const SCHEMA_VERSION = 2;

const HOT_TABLE = `fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05`;

/** MIGRATIONS[n] takes a database from version n-1 to n; run in one transaction. */
export const MIGRATIONS: readonly string[] = [
  '',
  `
CREATE TABLE queues (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  fifo boolean NOT NULL,
  -- true once a standard queue has held a message with a MessageGroupId (see QueueMode in rows.ts).
  fair boolean NOT NULL DEFAULT false,
  attributes_json text NOT NULL,
  retention_ms bigint NOT NULL,
  dead_letter_target_arn text,
  created_at bigint NOT NULL,
  last_modified_at bigint NOT NULL,
  last_purged_at bigint,
  -- getQueue(account, name) and listQueues: one account's names as a range, or every account's queues
  -- in (account, name) order; COLLATE "C" orders bytes, as SQLite.
  CONSTRAINT queues_account_name UNIQUE (account, name)
);
-- listDeadLetterSources: WHERE dead_letter_target_arn = $1 AND name > $2 ORDER BY name.
CREATE INDEX queues_dead_letter_target ON queues (dead_letter_target_arn, name) WHERE dead_letter_target_arn IS NOT NULL;

CREATE TABLE queue_tags (
  queue_id bigint NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (queue_id, key)
);

-- AWS's 60-second recreate rule (createQueue looks a name up by primary key).
CREATE TABLE deleted_queues (
  account text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  deleted_at bigint NOT NULL,
  PRIMARY KEY (account, name)
);
-- maintenance: DELETE FROM deleted_queues WHERE deleted_at <= $1.
CREATE INDEX deleted_queues_deleted_at ON deleted_queues (deleted_at);

CREATE TABLE messages (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue_id bigint NOT NULL,
  message_id text NOT NULL,
  -- '' when the message has no group, so group indexes need no NULL case.
  group_id text COLLATE "C" NOT NULL,
  dedup_id text,
  sender_id text NOT NULL,
  md5_of_body text NOT NULL,
  sent_at bigint NOT NULL,
  enqueued_at bigint NOT NULL,
  visible_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  receive_count integer NOT NULL DEFAULT 0,
  first_received_at bigint,
  received_at bigint,
  receipt_token text,
  body text NOT NULL,
  attributes_json text NOT NULL,
  system_attributes_json text NOT NULL
) WITH (${HOT_TABLE}, toast_tuple_target = 256);
ALTER TABLE messages ALTER COLUMN body SET STORAGE EXTERNAL;

-- Plain claims (WHERE queue_id = $1 AND visible_at <= $2 ORDER BY visible_at, seq ... FOR UPDATE SKIP
-- LOCKED), nextVisibleAt, the in-flight/delayed counts (INCLUDE makes them index-only where the visibility
-- map allows), standard move tasks and every per-queue bulk statement (purge, retention, queue delete).
CREATE INDEX messages_visibility ON messages (queue_id, visible_at, seq) INCLUDE (receive_count, expires_at);
-- Fair queues: a group's receivable messages, ORDER BY visible_at, seq; and a standard group's head.
CREATE INDEX messages_group_ready ON messages (queue_id, group_id, visible_at, seq) WHERE dedup_id IS NULL;
-- FIFO only: a group's messages in order (the claim walk, the head of a FIFO group).
CREATE INDEX messages_group_order ON messages (queue_id, group_id, seq) WHERE dedup_id IS NOT NULL;
-- Retention expiry per queue, the expired count, the console's peek and the oldest message.
CREATE INDEX messages_expiry ON messages (queue_id, expires_at, seq);

-- One row per (queue, group) that has messages, as in SQLite (see sqlite/schema.ts for head and ready_at).
-- Its row lock is also the group's mutex across nodes: a claim takes it FOR UPDATE SKIP LOCKED, so two
-- nodes never walk one FIFO group at once; every head change takes it before recomputing (groups.ts).
CREATE TABLE message_groups (
  queue_id bigint NOT NULL,
  group_id text COLLATE "C" NOT NULL,
  head_seq bigint NOT NULL,
  head_visible_at bigint NOT NULL,
  served_at bigint NOT NULL DEFAULT 0,
  ready_at bigint NOT NULL,
  PRIMARY KEY (queue_id, group_id)
) WITH (${HOT_TABLE});
-- Claims: WHERE queue_id = $1 AND ready_at <= $2 ORDER BY ready_at, head_seq.
CREATE INDEX message_groups_ready ON message_groups (queue_id, ready_at, head_seq);

-- FIFO deduplication history: the primary key is the deduplication constraint across nodes.
CREATE TABLE fifo_dedup (
  queue_id bigint NOT NULL,
  scope text NOT NULL,
  dedup_id text NOT NULL,
  message_id text NOT NULL,
  seq bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (queue_id, scope, dedup_id)
);
-- maintenance: DELETE ... WHERE expires_at <= $1.
CREATE INDEX fifo_dedup_expiry ON fifo_dedup (expires_at);

CREATE TABLE receive_attempts (
  queue_id bigint NOT NULL,
  attempt_id text NOT NULL,
  claims_json text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
);
-- maintenance: DELETE ... WHERE expires_at <= $1.
CREATE INDEX receive_attempts_expiry ON receive_attempts (expires_at);

-- Message totals per queue in shards (pg_backend_pid() % 16): ApproximateNumberOfMessages without
-- counting the backlog, and without every writer of a queue queueing on one counter row.
CREATE TABLE queue_counters (
  queue_id bigint NOT NULL,
  shard integer NOT NULL,
  messages bigint NOT NULL,
  PRIMARY KEY (queue_id, shard)
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);

CREATE TABLE move_tasks (
  ord bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id text NOT NULL UNIQUE,
  source_queue_id bigint NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  source_arn text NOT NULL,
  destination_arn text,
  max_per_second integer,
  status text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED')),
  moved bigint NOT NULL DEFAULT 0,
  to_move bigint NOT NULL,
  failure_reason text,
  started_at bigint NOT NULL
);
-- listMoveTasks: WHERE source_queue_id = $1 ORDER BY started_at DESC, ord DESC.
CREATE INDEX move_tasks_source ON move_tasks (source_queue_id, started_at, ord);
-- activeMoveTasks.
CREATE INDEX move_tasks_active ON move_tasks (started_at, ord) WHERE status IN ('RUNNING', 'CANCELLING');

-- Cluster-wide single runners; times on the database clock, so nodes' clocks may disagree.
CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Recomputes a group's head under the group row's lock. A function because READ COMMITTED gives each
-- statement in it a fresh snapshot: the row lock is taken first (waiting for a concurrent sender or
-- claimer to commit), and only then is the head read, so it sees what that transaction committed.
CREATE FUNCTION wharf_refresh_group(p_queue bigint, p_group text, p_fifo boolean, p_now bigint, p_served bigint)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  h record;
BEGIN
  PERFORM 1 FROM message_groups WHERE queue_id = p_queue AND group_id = p_group FOR UPDATE;
  IF p_fifo THEN
    SELECT seq, visible_at INTO h FROM messages
      WHERE queue_id = p_queue AND group_id = p_group AND dedup_id IS NOT NULL AND expires_at > p_now
      ORDER BY seq LIMIT 1;
  ELSE
    SELECT seq, visible_at INTO h FROM messages
      WHERE queue_id = p_queue AND group_id = p_group AND dedup_id IS NULL AND expires_at > p_now
      ORDER BY visible_at, seq LIMIT 1;
  END IF;
  IF NOT FOUND THEN
    DELETE FROM message_groups WHERE queue_id = p_queue AND group_id = p_group;
  ELSE
    INSERT INTO message_groups AS g (queue_id, group_id, head_seq, head_visible_at, served_at, ready_at)
      VALUES (p_queue, p_group, h.seq, h.visible_at, p_served, greatest(h.visible_at, p_served))
      ON CONFLICT (queue_id, group_id) DO UPDATE SET
        head_seq = excluded.head_seq,
        head_visible_at = excluded.head_visible_at,
        served_at = greatest(g.served_at, excluded.served_at),
        ready_at = greatest(excluded.head_visible_at, g.served_at, excluded.served_at);
  END IF;
END
$fn$;
`,
  // 2: no statistics on messages.queue_id (see "Row estimates" above).
  `
ALTER TABLE messages ALTER COLUMN queue_id SET STATISTICS 0;
-- The same type again drops the statistics an earlier ANALYZE gathered; ANALYZE itself leaves them.
ALTER TABLE messages ALTER COLUMN queue_id TYPE bigint;
`,
];
