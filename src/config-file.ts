import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

// The --config file: YAML (JSON is YAML too), validated with zod. It holds every server option the flags
// have, under the flag's camelCase name (`max-message-size` → `maxMessageSize`), and a `queues:` list
// that startup provisions through the SQS actions (see provision-queues.ts). Every problem is reported as
// `<file>: <key path>: <what is wrong>` so a bad file stops startup with a message one can act on.

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

const QueueSpecSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  fifo: z.boolean().optional(),
  /** Any SQS queue attribute under its AWS name; scalars only (RedrivePolicy is `deadLetter`). */
  attributes: z.record(z.string(), Scalar).optional(),
  tags: z.record(z.string(), Scalar).optional(),
  deadLetter: z
    .strictObject({
      queue: z.string().min(1, 'must not be empty'),
      maxReceiveCount: z.number().int('must be an integer').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000'),
    })
    .optional(),
});

export type QueueSpec = z.output<typeof QueueSpecSchema>;

/** Server options as the file may give them; ranges and formats are checked with the flags' own schema. */
const FileSchema = z.strictObject({
  port: z.number().int().optional(),
  host: z.string().optional(),
  dataDir: z.string().optional(),
  store: z.string().optional(),
  pgPoolSize: z.number().int().optional(),
  pgStatementTimeout: z.number().optional(),
  region: z.string().optional(),
  accountId: z.union([z.string(), z.number().int()]).optional(),
  baseUrl: z.string().optional(),
  logLevel: z.string().optional(),
  logFormat: z.string().optional(),
  maxMessageSize: z.union([z.string(), z.number().int()]).optional(),
  maxRequestBytesInFlight: z.union([z.string(), z.number().int()]).optional(),
  diskReserve: z.union([z.string(), z.number().int()]).optional(),
  durability: z.string().optional(),
  metrics: z.union([z.boolean(), z.enum(['on', 'off'])]).optional(),
  console: z.union([z.boolean(), z.enum(['on', 'off'])]).optional(),
  shutdownTimeout: z.number().positive().optional(),
  testControls: z.union([z.boolean(), z.enum(['on', 'off'])]).optional(),
  auth: z.enum(['off', 'sigv4']).optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  /** Keys for --auth sigv4: the WHARF_CREDENTIALS string, or a list. Checked in config.ts. */
  credentials: z
    .union([
      z.string(),
      z.array(
        z.strictObject({
          accessKeyId: z.string(),
          secretAccessKey: z.string(),
          accountId: z.union([z.string(), z.number().int()]),
        }),
      ),
    ])
    .optional(),
  queues: z.array(QueueSpecSchema).optional(),
});

export type ConfigFile = z.output<typeof FileSchema>;
export type FileOption = Exclude<keyof ConfigFile, 'queues' | 'credentials'>;

export type LoadResult = { file: ConfigFile } | { error: string };

export function loadConfigFile(path: string, readText: (path: string) => string): LoadResult {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    return { error: `${path}: cannot read the configuration file: ${(error as Error).message}` };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const at = lineCounter.linePos(error.pos[0]);
      return `${path}:${at.line}:${at.col}: ${error.message.split('\n', 1)[0]}`;
    });
    return { error: `Invalid configuration file:\n${problems.map((p) => `  ${p}`).join('\n')}` };
  }
  const parsed = FileSchema.safeParse(document.toJS() ?? {}, { reportInput: true });
  const problems = parsed.success ? queueProblems(parsed.data.queues ?? []) : parsed.error.issues.map(describeIssue);
  if (problems.length > 0 || !parsed.success) {
    return { error: `Invalid configuration file:\n${problems.map((p) => `  ${path}: ${p}`).join('\n')}` };
  }
  return { file: parsed.data };
}

/** `queues[1].deadLetter.queue` from zod's `['queues', 1, 'deadLetter', 'queue']`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Never quote a value back from under credentials: it may be a secret.
  if (issue.path[0] === 'credentials' && issue.code !== 'unrecognized_keys') return `${keyPath(issue.path)}: wrong type or shape`;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${keyPath([...issue.path, key])}: unknown key`).join('; ');
  }
  if (issue.code === 'invalid_type') {
    const where = issue.path.length === 0 ? '(top level)' : keyPath(issue.path);
    return `${where}: expected ${issue.expected}${issue.input === undefined ? ' (missing)' : `, got ${describeValue(issue.input)}`}`;
  }
  if (issue.code === 'invalid_union') return `${keyPath(issue.path)}: wrong type (${describeValue(issue.input)})`;
  return `${keyPath(issue.path)}: ${issue.message}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

// Rules across entries that the shape cannot express. A queue's type is its name (AWS: FIFO names end in
// .fifo), and `fifo:` must agree with it; a dead-letter queue must exist in the file and be of the same type.
function queueProblems(queues: readonly QueueSpec[]): string[] {
  const problems: string[] = [];
  const byName = new Map(queues.map((queue) => [queue.name, queue]));
  const seen = new Set<string>();
  queues.forEach((queue, i) => {
    const at = `queues[${i}]`;
    const nameIsFifo = queue.name.endsWith('.fifo');
    if (seen.has(queue.name)) problems.push(`${at}.name: queue "${queue.name}" is listed twice`);
    seen.add(queue.name);
    if (queue.fifo === true && !nameIsFifo) problems.push(`${at}.fifo: a FIFO queue's name must end in .fifo ("${queue.name}")`);
    if (queue.fifo === false && nameIsFifo) problems.push(`${at}.fifo: "${queue.name}" ends in .fifo, so it is a FIFO queue; set fifo: true`);
    if (queue.fifo === undefined && nameIsFifo) problems.push(`${at}.fifo: "${queue.name}" ends in .fifo; declare it with fifo: true`);
    const fifoAttribute = queue.attributes?.FifoQueue;
    if (fifoAttribute !== undefined && String(fifoAttribute) !== String(nameIsFifo)) {
      problems.push(`${at}.attributes.FifoQueue: does not match the queue type of "${queue.name}"`);
    }
    if (queue.attributes?.RedrivePolicy !== undefined && queue.deadLetter !== undefined) {
      problems.push(`${at}.attributes.RedrivePolicy: give the dead-letter queue once, under deadLetter`);
    }
    if (queue.deadLetter === undefined) return;
    const target = byName.get(queue.deadLetter.queue);
    if (!target) {
      problems.push(`${at}.deadLetter.queue: unknown dead-letter queue "${queue.deadLetter.queue}" (not in queues:)`);
    } else if (target.name.endsWith('.fifo') !== nameIsFifo) {
      problems.push(
        `${at}.deadLetter.queue: "${target.name}" is ${nameIsFifo ? 'a standard' : 'a FIFO'} queue; the dead-letter queue of ` +
          `${nameIsFifo ? 'a FIFO' : 'a standard'} queue must be ${nameIsFifo ? 'FIFO' : 'standard'} too`,
      );
    } else if (target.name === queue.name) {
      problems.push(`${at}.deadLetter.queue: a queue cannot be its own dead-letter queue`);
    }
  });
  return problems;
}
