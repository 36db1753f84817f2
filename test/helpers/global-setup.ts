import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';

// Process-level tests (kill -9, the CLI) run the built entry point, the same command `npm start` and the
// Docker image run, so build it once before the suite.
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The rest of `npm run build`: the console's static files.
  cpSync('src/console/static', 'dist/console/static', { recursive: true });
}
