import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { makeJsonClient } from './clients.js';

/** Starts any wharf command on a random port, waits for the startup line, and returns its address. */
export async function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess; exited: Promise<number | string | null> }> {
  const child = spawn(command, [...args, '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"wharf listening"')) resolve((JSON.parse(line) as { address: string }).address);
    });
    void exited.then((code) => reject(new Error(`${command} exited (${code}) before listening: ${stderr}`)));
  });
  return { url, child, exited };
}

/** A round trip through the SDK: create, send, receive, delete. */
export async function roundTrip(url: string): Promise<string> {
  const sqs = makeJsonClient(url);
  try {
    const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: 'packaged' });
    await sqs.call('SendMessage', { QueueUrl, MessageBody: 'from the package' });
    const { Messages } = await sqs.call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });
    await sqs.call('DeleteMessage', { QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle });
    return Messages[0].Body as string;
  } finally {
    sqs.destroy();
  }
}
