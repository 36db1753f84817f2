import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MIN_MESSAGE_BYTES } from './core/limits.js';

// Every option is a flag and a WHARF_* environment variable; a flag wins over the environment.
const OPTIONS = {
  port: { env: 'WHARF_PORT', help: 'TCP port to listen on', fallback: '9324' },
  host: { env: 'WHARF_HOST', help: 'address to bind', fallback: '0.0.0.0' },
  'data-dir': { env: 'WHARF_DATA_DIR', help: 'directory of the SQLite database', fallback: './data' },
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
  durability: {
    env: 'WHARF_DURABILITY',
    help: 'full: fsync before answering (default); relaxed: may lose the last writes on power loss',
    fallback: 'full',
  },
  console: { env: 'WHARF_CONSOLE', help: 'on|off: the web console at /console/', fallback: 'on' },
} as const satisfies Record<string, { env: string; help: string; fallback: string | undefined }>;

type OptionName = keyof typeof OPTIONS;

/** Ceiling on --max-message-size: bodies are held in memory while a request is parsed (about 3× on the wire). */
export const MAX_CONFIGURABLE_MESSAGE_BYTES = 64 * 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2 };

export function parseSize(text: string): number | null {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : null;
}

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
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
  durability: z.enum(['full', 'relaxed']),
  console: z.enum(['on', 'off']).transform((value) => value === 'on'),
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;

export type ConfigResult = { help: string } | { config: Config } | { error: string };

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(
    ([name, option]) =>
      `  --${name.padEnd(18)} ${option.help}${option.fallback === undefined ? '' : ` [${option.fallback}]`}\n` +
      `  ${''.padEnd(20)} env ${option.env}`,
  );
  return `Usage: wharf [options]\n\nWharf: an SQS-compatible message broker on SQLite.\n\n${lines.join('\n')}\n  --help               show this help\n`;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    return { error: `${(error as Error).message}\n\n${usage()}` };
  }
  if (values.help) return { help: usage() };
  const pick = (name: OptionName) => (values[name] as string | undefined) ?? env[OPTIONS[name].env] ?? OPTIONS[name].fallback;
  const parsed = ConfigSchema.safeParse({
    port: pick('port'),
    host: pick('host'),
    dataDir: pick('data-dir'),
    region: pick('region'),
    accountId: pick('account-id'),
    baseUrl: pick('base-url'),
    logLevel: pick('log-level'),
    maxMessageBytes: pick('max-message-size'),
    durability: pick('durability'),
    console: pick('console'),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${flagOf(String(issue.path[0]))}: ${issue.message}`);
    return { error: `Invalid configuration:\n${problems.join('\n')}` };
  }
  return { config: Object.freeze(parsed.data) };
}

function flagOf(key: string): string {
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace('max-message-bytes', 'max-message-size');
  const option = OPTIONS[flag as OptionName];
  return option ? `--${flag} (${option.env})` : key;
}
