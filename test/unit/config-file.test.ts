import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

// The --config file through parseConfig, with the file read from a map instead of the disk.
function withFile(text: string, argv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return parseConfig(['--config', 'wharf.yaml', ...argv], env, (path) => {
    if (path !== 'wharf.yaml') throw new Error(`ENOENT: no such file '${path}'`);
    return text;
  });
}

const errorOf = (text: string) => {
  const result = withFile(text);
  if (!('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.error;
};

describe('config file', () => {
  it('takes every server option under its camelCase flag name; the environment and flags win over it', () => {
    const text = `
port: 9400
host: 127.0.0.1
dataDir: /var/lib/wharf
store: postgres://wharf:secret@db:5432/wharf
pgPoolSize: 20
pgStatementTimeout: 2
region: eu-west-1
accountId: "123456789012"
baseUrl: http://wharf:9400/
logLevel: warn
logFormat: pretty
maxMessageSize: 2MiB
maxRequestBytesInFlight: 128MiB
diskReserve: 0
durability: relaxed
metrics: off
console: off
shutdownTimeout: 2.5
testControls: on
`;
    const result = withFile(text, ['--port', '9500'], { WHARF_REGION: 'ap-south-1' });
    expect(result).toEqual({
      config: {
        port: 9500,
        host: '127.0.0.1',
        dataDir: '/var/lib/wharf',
        store: { kind: 'postgres', url: 'postgres://wharf:secret@db:5432/wharf' },
        pgPoolSize: 20,
        pgStatementTimeoutMs: 2000,
        region: 'ap-south-1',
        accountId: '123456789012',
        baseUrl: 'http://wharf:9400',
        logLevel: 'warn',
        logFormat: 'pretty',
        maxMessageBytes: 2 * 1024 * 1024,
        maxRequestBytesInFlight: 128 * 1024 * 1024,
        diskReserveBytes: 0,
        durability: 'relaxed',
        metrics: false,
        console: false,
        shutdownTimeoutMs: 2500,
        testControls: true,
        configFile: 'wharf.yaml',
        queues: [],
      },
    });
  });

  it('is found through WHARF_CONFIG too, and JSON is accepted', () => {
    const result = parseConfig([], { WHARF_CONFIG: 'w.json' }, () => '{"port": 1234, "queues": [{"name": "a"}]}');
    expect(result).toMatchObject({ config: { port: 1234, configFile: 'w.json', queues: [{ name: 'a' }] } });
  });

  it('keeps the queue list as written', () => {
    const result = withFile(`
queues:
  - name: orders
    attributes: { VisibilityTimeout: 45 }
    deadLetter: { queue: orders-dlq, maxReceiveCount: 3 }
    tags: { team: payments }
  - name: orders-dlq
  - name: events.fifo
    fifo: true
    attributes: { ContentBasedDeduplication: true }
`);
    expect(result).toMatchObject({
      config: {
        queues: [
          { name: 'orders', attributes: { VisibilityTimeout: 45 }, deadLetter: { queue: 'orders-dlq', maxReceiveCount: 3 }, tags: { team: 'payments' } },
          { name: 'orders-dlq' },
          { name: 'events.fifo', fifo: true, attributes: { ContentBasedDeduplication: true } },
        ],
      },
    });
  });

  it.each([
    ['an unknown top-level key', 'prot: 9324\n', 'wharf.yaml: prot: unknown key'],
    ['an unknown queue key', 'queues:\n  - name: a\n    colour: red\n', 'wharf.yaml: queues[0].colour: unknown key'],
    ['an unknown deadLetter key', 'queues:\n  - name: a\n  - name: b\n    deadLetter: { queue: a, maxReceiveCount: 3, after: 1 }\n', 'wharf.yaml: queues[1].deadLetter.after: unknown key'],
    ['a wrong type', 'port: nine\n', 'wharf.yaml: port: expected number, got string "nine"'],
    ['a wrong type in a queue', 'queues:\n  - name: a\n    fifo: yes-please\n', 'wharf.yaml: queues[0].fifo: expected boolean'],
    ['a queue without a name', 'queues:\n  - fifo: false\n', 'wharf.yaml: queues[0].name: expected string (missing)'],
    ['queues that is not a list', 'queues: orders\n', 'wharf.yaml: queues: expected array, got string "orders"'],
    ['a non-scalar attribute', 'queues:\n  - name: a\n    attributes: { Policy: { a: 1 } }\n', 'wharf.yaml: queues[0].attributes.Policy: wrong type (a mapping)'],
    ['an out-of-range option', 'port: 70000\n', 'wharf.yaml: port: Too big'],
    ['a bad option value', 'durability: sometimes\n', 'wharf.yaml: durability:'],
    ['a bad maxReceiveCount', 'queues:\n  - name: a\n  - name: b\n    deadLetter: { queue: a, maxReceiveCount: 0 }\n', 'wharf.yaml: queues[1].deadLetter.maxReceiveCount: must be 1 to 1000'],
    ['an unknown DLQ target', 'queues:\n  - name: a\n    deadLetter: { queue: nope, maxReceiveCount: 3 }\n', 'wharf.yaml: queues[0].deadLetter.queue: unknown dead-letter queue "nope"'],
    ['fifo: true on a standard name', 'queues:\n  - name: events\n    fifo: true\n', 'wharf.yaml: queues[0].fifo: a FIFO queue\'s name must end in .fifo'],
    ['a .fifo name without fifo: true', 'queues:\n  - name: events.fifo\n', 'wharf.yaml: queues[0].fifo: "events.fifo" ends in .fifo'],
    ['fifo: false on a .fifo name', 'queues:\n  - name: events.fifo\n    fifo: false\n', 'wharf.yaml: queues[0].fifo: "events.fifo" ends in .fifo, so it is a FIFO queue'],
    ['a FifoQueue attribute that disagrees', 'queues:\n  - name: a\n    attributes: { FifoQueue: true }\n', 'wharf.yaml: queues[0].attributes.FifoQueue: does not match'],
    ['a standard DLQ of a FIFO queue', 'queues:\n  - name: dlq\n  - name: e.fifo\n    fifo: true\n    deadLetter: { queue: dlq, maxReceiveCount: 3 }\n', 'wharf.yaml: queues[1].deadLetter.queue: "dlq" is a standard queue'],
    ['a FIFO DLQ of a standard queue', 'queues:\n  - name: d.fifo\n    fifo: true\n  - name: e\n    deadLetter: { queue: d.fifo, maxReceiveCount: 3 }\n', 'wharf.yaml: queues[1].deadLetter.queue: "d.fifo" is a FIFO queue'],
    ['a queue listed twice', 'queues:\n  - name: a\n  - name: a\n', 'wharf.yaml: queues[1].name: queue "a" is listed twice'],
    ['RedrivePolicy beside deadLetter', 'queues:\n  - name: a\n  - name: b\n    attributes: { RedrivePolicy: x }\n    deadLetter: { queue: a, maxReceiveCount: 3 }\n', 'wharf.yaml: queues[1].attributes.RedrivePolicy: give the dead-letter queue once'],
    ['invalid YAML', 'queues:\n  - name: a\n   bad: [\n', 'wharf.yaml:'],
    ['a duplicate key', 'port: 1\nport: 2\n', 'wharf.yaml:2:1: Map keys must be unique'],
    ['a file that is not a mapping', '- a\n- b\n', 'wharf.yaml: (top level): expected object, got a list'],
  ])('rejects %s, naming the file and the key path', (_case, text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('names a file it cannot read', () => {
    const result = parseConfig(['--config', 'missing.yaml'], {}, () => {
      throw new Error("ENOENT: no such file or directory, open 'missing.yaml'");
    });
    expect(result).toEqual({ error: expect.stringContaining('missing.yaml: cannot read the configuration file: ENOENT') });
  });
});
