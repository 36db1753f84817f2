import { pino } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from './config.js';

/**
 * JSON lines on stdout by default (pino), for log shippers; `--log-format pretty` renders the same
 * records for a terminal. pino-pretty runs as a synchronous stream in this process rather than as a
 * pino transport (a worker thread that loads the module by name), so it also works in the bundled
 * single-file binary.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): pino.Logger {
  const options = { level: config.logLevel, base: { service: 'wharf' } };
  if (config.logFormat === 'json') return pino(options);
  return pino(options, pinoPretty({ sync: true, colorize: process.stdout.isTTY, ignore: 'service,pid,hostname' }));
}
