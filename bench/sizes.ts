import { asciiBody, MIB } from './bodies.js';
import { receiveDeleteOp, withQueue, type Scenario } from './context.js';
import { warmThenDrive, type Op } from './drive.js';
import { rowFrom } from './report.js';
import { drainedNote, withClient } from './scenarios.js';

// Scenario 8: 10 KiB and 1 MiB bodies, timed like the small-message scenarios: send for the measured
// duration, then receive+delete what was sent. 1 MiB is SQS's own ceiling, so every SQS peer should
// serve it; the queue asks for that ceiling explicitly because some peers still default to 256 KiB.

interface BodySize {
  label: string;
  bytes: number;
  /** MaxNumberOfMessages: ten 1 MiB messages in one response would make "in flight" meaningless. */
  receiveMax: number;
}

export const BODY_SIZES: BodySize[] = [
  { label: '10 KiB', bytes: 10 * 1024, receiveMax: 10 },
  { label: '1 MiB', bytes: MIB, receiveMax: 1 },
];

export function sizedMessages(size: BodySize): Scenario {
  return (ctx, concurrency) => {
    const attributes: Record<string, string> = size.bytes > 256 * 1024 ? { MaximumMessageSize: String(MIB) } : {};
    return withQueue(ctx, `size-${size.bytes}-c${concurrency}`, attributes, (queueUrl) =>
      withClient(ctx, concurrency, async (client) => {
        const body = asciiBody(size.bytes);
        let sent = 0;
        const sendOp: Op = async () => {
          await client.sendMessage(queueUrl, body);
          sent += 1;
          return { messages: 1, bytes: size.bytes };
        };
        const sends = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, ctx.warmupMs, sendOp);
        const receiveOp = receiveDeleteOp(client, queueUrl, size.receiveMax, sent);
        const receives = await warmThenDrive({ concurrency, durationMs: ctx.durationMs }, 0, receiveOp);
        return [
          rowFrom(`SendMessage ${size.label}`, sends),
          rowFrom(`Receive(${size.receiveMax})+DeleteBatch ${size.label}`, receives, drainedNote(receives.messages, receives.elapsedMs, ctx)),
        ];
      }),
    );
  };
}
