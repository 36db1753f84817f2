import { describe, expect, it } from 'vitest';
import { parseConfig, parseSize } from '../../src/config.js';

const configOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = parseConfig(argv, env);
  if (!('config' in result)) throw new Error(JSON.stringify(result));
  return result.config;
};

describe('config', () => {
  it('defaults to AWS-like values on port 9324 with data in ./data', () => {
    expect(configOf([])).toEqual({
      port: 9324,
      host: '0.0.0.0',
      dataDir: './data',
      store: { kind: 'sqlite', path: undefined },
      pgPoolSize: 10,
      pgStatementTimeoutMs: 5000,
      region: 'us-east-1',
      accountId: '000000000000',
      baseUrl: undefined,
      logLevel: 'info',
      maxMessageBytes: 1_048_576,
      maxRequestBytesInFlight: undefined,
      diskReserveBytes: 32 * 1024 * 1024,
      durability: 'full',
      console: true,
      logFormat: 'json',
      metrics: true,
      shutdownTimeoutMs: 10_000,
      testControls: false,
      configFile: undefined,
      queues: [],
    });
  });

  it('turns test controls on with a bare --test-controls, a value, WHARF_TEST_CONTROLS or the file key', () => {
    expect(configOf(['--test-controls']).testControls).toBe(true);
    expect(configOf(['--test-controls', '--port', '1']).testControls).toBe(true);
    expect(configOf(['--test-controls', 'off']).testControls).toBe(false);
    expect(configOf([], { WHARF_TEST_CONTROLS: 'on' }).testControls).toBe(true);
    const fromFile = parseConfig(['--config', 'w.yaml'], {}, () => 'testControls: true\n');
    expect('config' in fromFile && fromFile.config.testControls).toBe(true);
  });

  it('takes the request bytes in flight from --max-request-bytes-in-flight, WHARF_MAX_REQUEST_BYTES_IN_FLIGHT or the file', () => {
    expect(configOf(['--max-request-bytes-in-flight', '256MiB']).maxRequestBytesInFlight).toBe(256 * 1024 * 1024);
    expect(configOf([], { WHARF_MAX_REQUEST_BYTES_IN_FLIGHT: '2GiB' }).maxRequestBytesInFlight).toBe(2 * 1024 ** 3);
    const fromFile = parseConfig(['--config', 'w.yaml'], {}, () => 'maxRequestBytesInFlight: 128MiB\n');
    expect('config' in fromFile && fromFile.config.maxRequestBytesInFlight).toBe(128 * 1024 * 1024);
    expect(parseConfig(['--max-request-bytes-in-flight', '1000'], {})).toMatchObject({
      error: expect.stringMatching(/--max-request-bytes-in-flight \(WHARF_MAX_REQUEST_BYTES_IN_FLIGHT\): must be at least/),
    });
  });

  it('takes the disk reserve from --disk-reserve, WHARF_DISK_RESERVE or the file, 0 turning it off', () => {
    expect(configOf(['--disk-reserve', '0']).diskReserveBytes).toBe(0);
    expect(configOf([], { WHARF_DISK_RESERVE: '256MiB' }).diskReserveBytes).toBe(256 * 1024 * 1024);
    const fromFile = parseConfig(['--config', 'w.yaml'], {}, () => 'diskReserve: 1GiB\n');
    expect('config' in fromFile && fromFile.config.diskReserveBytes).toBe(1024 ** 3);
    expect(parseConfig(['--disk-reserve', 'lots'], {})).toMatchObject({ error: expect.stringMatching(/--disk-reserve \(WHARF_DISK_RESERVE\)/) });
  });

  it('turns the web console off with --console off', () => {
    expect(configOf(['--console', 'off']).console).toBe(false);
    expect(configOf([], { WHARF_CONSOLE: 'off' }).console).toBe(false);
  });

  it('reads WHARF_* variables, and flags win over them', () => {
    const config = configOf(['--port', '9999', '--max-message-size', '8MiB'], { WHARF_PORT: '1', WHARF_REGION: 'eu-west-1' });
    expect(config).toMatchObject({ port: 9999, region: 'eu-west-1', maxMessageBytes: 8 * 1024 * 1024 });
  });

  it('strips a trailing slash from --base-url', () => {
    expect(configOf(['--base-url', 'https://sqs.example.com/']).baseUrl).toBe('https://sqs.example.com');
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--account-id', '123'], /--account-id \(WHARF_ACCOUNT_ID\): must be 12 digits/],
    [['--max-message-size', '8 parsecs'], /--max-message-size/],
    [['--max-message-size', '512'], /at least 1024/],
    [['--max-message-size', '1000MiB'], /at most/],
    [['--durability', 'maybe'], /--durability/],
    [['--console', 'maybe'], /--console/],
    [['--nonsense'], /Unknown option/],
    [['--log-format', 'xml'], /--log-format \(WHARF_LOG_FORMAT\)/],
    [['--metrics', 'maybe'], /--metrics \(WHARF_METRICS\)/],
    [['--shutdown-timeout', '0'], /--shutdown-timeout \(WHARF_SHUTDOWN_TIMEOUT\): must be more than 0/],
  ])('stops with a clear message for %j', (argv, message) => {
    const result = parseConfig(argv, {});
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(message);
  });

  it('lists every option in --help', () => {
    const result = parseConfig(['--help'], {});
    expect((result as { help: string }).help).toMatch(/--max-message-size[\s\S]*WHARF_MAX_MESSAGE_SIZE/);
  });

  it('parses sizes in bytes, KiB and MiB', () => {
    expect(parseSize('1048576')).toBe(1_048_576);
    expect(parseSize('512KiB')).toBe(524_288);
    expect(parseSize('8mib')).toBe(8_388_608);
    expect(parseSize('8MB')).toBeNull();
  });
});
