import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type ConfigFile, type FileOption, type QueueSpec, loadConfigFile } from './config-file.js';
import { buildKeyring, parseCredentialList, type Credential, type Keyring } from './core/credentials.js';
import { MIN_MESSAGE_BYTES } from './core/limits.js';

// Every option is a flag, a WHARF_* environment variable and a key of the --config file (the flag's name in
// camelCase); a flag wins over the environment, which wins over the file.
const OPTIONS = {
  port: { env: 'WHARF_PORT', help: 'TCP port to listen on', fallback: '9324' },
  host: { env: 'WHARF_HOST', help: 'address to bind', fallback: '0.0.0.0' },
  'data-dir': { env: 'WHARF_DATA_DIR', help: 'directory of the SQLite database', fallback: './data' },
  store: {
    env: 'WHARF_STORE',
    help: 'sqlite:<file> (default: wharf.db in --data-dir) or postgres://user:pass@host:5432/db (several nodes may share it)',
    fallback: undefined,
  },
  'pg-pool-size': { env: 'WHARF_PG_POOL_SIZE', help: 'PostgreSQL: connections per node', fallback: '10' },
  'pg-statement-timeout': {
    env: 'WHARF_PG_STATEMENT_TIMEOUT',
    help: 'PostgreSQL: seconds a statement may run before it is cancelled and answered 503 (0: no limit)',
    fallback: '5',
  },
  region: { env: 'WHARF_REGION', help: 'region used in queue ARNs', fallback: 'us-east-1' },
  'account-id': { env: 'WHARF_ACCOUNT_ID', help: '12-digit account id in queue URLs and ARNs', fallback: '000000000000' },
  'base-url': {
    env: 'WHARF_BASE_URL',
    help: 'origin of returned queue URLs (default: from each request\'s Host header)',
    fallback: undefined,
  },
  'log-level': { env: 'WHARF_LOG_LEVEL', help: 'fatal|error|warn|info|debug|trace|silent', fallback: 'info' },
  'max-message-size': {
    env: 'WHARF_MAX_MESSAGE_SIZE',
    help: 'largest message a queue may allow, in bytes or with KiB/MiB (default 1MiB, as AWS)',
    fallback: '1MiB',
  },
  'max-request-bytes-in-flight': {
    env: 'WHARF_MAX_REQUEST_BYTES_IN_FLIGHT',
    help: 'request bodies held at once before answering RequestThrottled (default: 16 × max message size, at least 64MiB)',
    fallback: undefined,
  },
  'disk-reserve': {
    env: 'WHARF_DISK_RESERVE',
    help: 'free disk space kept for receives and deletes: sends are refused below it, and a reserve file of this size is released when the disk fills (0: off)',
    fallback: '32MiB',
  },
  durability: {
    env: 'WHARF_DURABILITY',
    help: 'full: fsync before answering (default); relaxed: may lose the last writes on power loss',
    fallback: 'full',
  },
  console: { env: 'WHARF_CONSOLE', help: 'on|off: the web console at /console/', fallback: 'on' },
  'log-format': { env: 'WHARF_LOG_FORMAT', help: 'json: one JSON object a line (default); pretty: for a terminal', fallback: 'json' },
  metrics: { env: 'WHARF_METRICS', help: 'on: serve Prometheus metrics at GET /metrics; off: no such route', fallback: 'on' },
  'test-controls': {
    env: 'WHARF_TEST_CONTROLS',
    help: 'on: virtual clock, reset, peek and fault injection under /_wharf/ (for test suites; never in production)',
    fallback: 'off',
  },
  auth: {
    env: 'WHARF_AUTH',
    help: 'off: any credentials are accepted (default); sigv4: every request must be signed with a key from WHARF_CREDENTIALS',
    fallback: 'off',
  },
  'tls-cert': { env: 'WHARF_TLS_CERT', help: 'PEM certificate chain: serve HTTPS (with --tls-key); SIGHUP reloads it', fallback: undefined },
  'tls-key': { env: 'WHARF_TLS_KEY', help: 'PEM private key of --tls-cert', fallback: undefined },
  'shutdown-timeout': {
    env: 'WHARF_SHUTDOWN_TIMEOUT',
    help: 'seconds a SIGTERM/SIGINT may take to drain requests and close the store before exiting anyway',
    fallback: '10',
  },
} as const satisfies Record<string, { env: string; help: string; fallback: string | undefined }>;

type OptionName = keyof typeof OPTIONS;

/** Ceiling on --max-message-size: bodies are held in memory while a request is parsed (about 3× on the wire). */
export const MAX_CONFIGURABLE_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Below this a single ordinary batch could not be admitted next to another request. */
const MIN_REQUEST_BYTES_IN_FLIGHT = 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseSize(text: string): number | null {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : null;
}

/** Where the data lives: the embedded SQLite file (one node) or a PostgreSQL database (any number of nodes). */
export type StoreConfig = { kind: 'sqlite'; path: string | undefined } | { kind: 'postgres'; url: string };

const StoreSchema = z
  .string()
  .optional()
  .transform((text, ctx): StoreConfig => {
    if (text === undefined || text === '') return { kind: 'sqlite', path: undefined };
    if (text.startsWith('sqlite:')) {
      const path = text.slice('sqlite:'.length);
      if (path === '') ctx.addIssue({ code: 'custom', message: 'must name a file, e.g. sqlite:./data/wharf.db' });
      return { kind: 'sqlite', path };
    }
    if (/^postgres(ql)?:\/\//.test(text)) return { kind: 'postgres', url: text };
    ctx.addIssue({ code: 'custom', message: 'must be sqlite:<file> or postgres://user:pass@host:5432/db' });
    return { kind: 'sqlite', path: undefined };
  });

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  store: StoreSchema,
  pgPoolSize: z.coerce.number('must be a number').int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  pgStatementTimeoutMs: z.coerce
    .number('must be a number of seconds')
    .min(0, 'must be 0 (no limit) or more seconds')
    .max(3600, 'must be at most 3600 seconds')
    .transform((seconds) => Math.round(seconds * 1000)),
  region: z.string().regex(/^[a-z0-9-]+$/, 'must look like us-east-1'),
  accountId: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  maxMessageBytes: z
    .string()
    .transform((text, ctx) => {
      const bytes = parseSize(text);
      if (bytes === null) ctx.addIssue({ code: 'custom', message: 'must be a byte count such as 1048576, 512KiB or 8MiB' });
      return bytes ?? 0;
    })
    .pipe(
      z
        .number()
        .min(MIN_MESSAGE_BYTES, `must be at least ${MIN_MESSAGE_BYTES} bytes`)
        .max(MAX_CONFIGURABLE_MESSAGE_BYTES, `must be at most ${MAX_CONFIGURABLE_MESSAGE_BYTES} bytes (64MiB)`),
    ),
  maxRequestBytesInFlight: z
    .string()
    .transform((text, ctx) => {
      const bytes = parseSize(text);
      if (bytes === null) ctx.addIssue({ code: 'custom', message: 'must be a byte count such as 268435456, 512MiB' });
      return bytes ?? 0;
    })
    .pipe(z.number().min(MIN_REQUEST_BYTES_IN_FLIGHT, `must be at least ${MIN_REQUEST_BYTES_IN_FLIGHT} bytes (1MiB)`))
    .optional(),
  diskReserveBytes: z.string().transform((text, ctx) => {
    const bytes = parseSize(text);
    if (bytes === null) ctx.addIssue({ code: 'custom', message: 'must be a byte count such as 0, 33554432 or 32MiB' });
    return bytes ?? 0;
  }),
  durability: z.enum(['full', 'relaxed']),
  console: z.enum(['on', 'off']).transform((value) => value === 'on'),
  logFormat: z.enum(['json', 'pretty']),
  metrics: z.enum(['on', 'off', 'true', 'false']).transform((value) => value === 'on' || value === 'true'),
  testControls: z.enum(['on', 'off', 'true', 'false']).transform((value) => value === 'on' || value === 'true'),
  shutdownTimeoutMs: z.coerce
    .number('must be a number of seconds')
    .positive('must be more than 0 seconds')
    .max(3600, 'must be at most 3600 seconds')
    .transform((seconds) => Math.round(seconds * 1000)),
  // Off is the absence of authentication: the default Config carries no auth fields at all.
  auth: z.enum(['off', 'sigv4']).transform((mode) => (mode === 'sigv4' ? mode : undefined)),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
});

export type Config = Readonly<
  z.output<typeof ConfigSchema> & {
    /** The --config file, if one was given. */
    configFile: string | undefined;
    /** Queues the config file asks for, provisioned at startup. */
    queues: readonly QueueSpec[];
    /** --auth sigv4 only: the access keys it accepts (WHARF_CREDENTIALS, else the file's credentials:); never logged. */
    keyring?: Keyring;
  }
>;

// Schema key ⇄ option: the flag is the kebab-case option, the file key its camelCase.
const SCHEMA_KEYS = {
  port: 'port',
  host: 'host',
  dataDir: 'data-dir',
  store: 'store',
  pgPoolSize: 'pg-pool-size',
  pgStatementTimeoutMs: 'pg-statement-timeout',
  region: 'region',
  accountId: 'account-id',
  baseUrl: 'base-url',
  logLevel: 'log-level',
  maxMessageBytes: 'max-message-size',
  maxRequestBytesInFlight: 'max-request-bytes-in-flight',
  diskReserveBytes: 'disk-reserve',
  durability: 'durability',
  logFormat: 'log-format',
  metrics: 'metrics',
  shutdownTimeoutMs: 'shutdown-timeout',
  console: 'console',
  testControls: 'test-controls',
  auth: 'auth',
  tlsCert: 'tls-cert',
  tlsKey: 'tls-key',
} as const satisfies Record<keyof z.input<typeof ConfigSchema>, OptionName>;

const fileKeyOf = (name: OptionName) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as FileOption;

type Source = 'flag' | 'env' | 'file' | 'default';

export type ConfigResult = { help: string } | { config: Config } | { error: string };

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(
    ([name, option]) =>
      `  --${name.padEnd(18)} ${option.help}${option.fallback === undefined ? '' : ` [${option.fallback}]`}\n` +
      `  ${''.padEnd(20)} env ${option.env}`,
  );
  const config = `  --config             YAML (or JSON) file of these options and predefined queues\n                       env WHARF_CONFIG`;
  // Secrets have no flag: a command line is visible to every user of the machine (ps).
  const credentials =
    `  (no flag)            access keys for --auth sigv4: ACCESS_KEY_ID:SECRET:ACCOUNT_ID[,...]\n` +
    `                       env WHARF_CREDENTIALS, or credentials: in the config file`;
  return `Usage: wharf [options]\n\nWharf: an SQS-compatible message broker on SQLite or PostgreSQL.\n\n${config}\n${lines.join('\n')}\n${credentials}\n  --help               show this help\n`;
}

/** Flags that may be given bare (`--test-controls`), meaning `on`. */
const BARE_FLAGS = new Set(['--test-controls']);
const SWITCH_VALUES = new Set(['on', 'off', 'true', 'false']);

function withFlagValues(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => (BARE_FLAGS.has(arg) && !SWITCH_VALUES.has(argv[i + 1] ?? '') ? [`${arg}=on`] : [arg]));
}

export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({
      args: withFlagValues(argv),
      options: { ...options, config: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (error) {
    return { error: `${(error as Error).message}\n\n${usage()}` };
  }
  if (values.help) return { help: usage() };
  const configFile = (values.config as string | undefined) ?? (env.WHARF_CONFIG || undefined);
  let file: ConfigFile = {};
  if (configFile !== undefined) {
    const loaded = loadConfigFile(configFile, readText);
    if ('error' in loaded) return loaded;
    file = loaded.file;
  }
  const sources = new Map<OptionName, Source>();
  const pick = (name: OptionName): string | undefined => {
    const fromFile = file[fileKeyOf(name)];
    const [source, value]: [Source, string | undefined] =
      values[name] !== undefined ? ['flag', values[name] as string]
      : env[OPTIONS[name].env] !== undefined ? ['env', env[OPTIONS[name].env]]
      : fromFile !== undefined ? ['file', typeof fromFile === 'boolean' ? (fromFile ? 'on' : 'off') : String(fromFile)]
      : ['default', OPTIONS[name].fallback];
    sources.set(name, source);
    return value;
  };
  const input = Object.fromEntries(Object.entries(SCHEMA_KEYS).map(([key, name]) => [key, pick(name)]));
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = SCHEMA_KEYS[issue.path[0] as keyof typeof SCHEMA_KEYS];
      const where = sources.get(name) === 'file' ? `${configFile}: ${fileKeyOf(name)}` : `--${name} (${OPTIONS[name].env})`;
      return `  ${where}: ${issue.message}`;
    });
    return { error: `Invalid configuration:\n${problems.join('\n')}` };
  }
  const security = securityConfig(parsed.data, env, file, configFile);
  if ('error' in security) return security;
  const keyring = parsed.data.auth === 'sigv4' ? { keyring: security.keyring } : {};
  return { config: Object.freeze({ ...parsed.data, configFile, queues: Object.freeze(file.queues ?? []), ...keyring }) };
}

// Credentials come from WHARF_CREDENTIALS, else from the file; --auth sigv4 needs at least one, and TLS
// needs both halves. Problems name the source and the entry, never a secret.
function securityConfig(
  config: z.output<typeof ConfigSchema>,
  env: NodeJS.ProcessEnv,
  file: ConfigFile,
  configFile: string | undefined,
): { keyring: Keyring } | { error: string } {
  const fromEnv = env.WHARF_CREDENTIALS;
  const source = fromEnv !== undefined ? 'WHARF_CREDENTIALS' : `${configFile}: credentials`;
  const listed: Credential[] | { error: string } =
    fromEnv !== undefined ? parseCredentialList(fromEnv)
    : typeof file.credentials === 'string' ? parseCredentialList(file.credentials)
    : (file.credentials ?? []).map((entry) => ({ ...entry, accountId: String(entry.accountId) }));
  const built = 'error' in listed ? listed : buildKeyring(listed);
  if ('error' in built) return { error: `Invalid configuration:\n  ${source}: ${built.error}` };
  if (config.auth === 'sigv4' && built.keyring.size === 0) {
    return { error: 'Invalid configuration:\n  --auth sigv4 (WHARF_AUTH): needs at least one key in WHARF_CREDENTIALS or credentials: in the config file' };
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    return { error: 'Invalid configuration:\n  --tls-cert and --tls-key (WHARF_TLS_CERT, WHARF_TLS_KEY): give both or neither' };
  }
  return built;
}
