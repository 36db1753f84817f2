import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WharfProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string | null>;
}

/** Runs `node dist/main.js` with the given flags on a random port and waits for its "listening" log line. */
export async function spawnWharf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<WharfProcess> {
  const child = spawn(process.execPath, ['dist/main.js', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'wharf listening' && entry.address) resolve(entry.address);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`wharf exited (${code}) before listening: ${stderr}`)));
  });
  return { url, child, exited };
}

export async function stopWharf(wharf: WharfProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
  wharf.child.kill(signal);
  return wharf.exited;
}
