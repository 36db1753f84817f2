import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { postgresBinDir, startCluster } from './postgres-cluster.js';

// Process-level tests (kill -9, the CLI) run the built entry point, the same command `npm start` and the
// Docker image run, so build it once before the suite. The PostgreSQL suites get one throwaway cluster
// (postgres-cluster.ts) for the whole run; its URL reaches test workers and spawned nodes through the
// environment, and it is stopped and deleted when the run ends.
export default async function setup(): Promise<() => void> {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The rest of `npm run build`: the console's static files.
  cpSync('src/console/static', 'dist/console/static', { recursive: true });
  const binDir = postgresBinDir();
  if (!binDir) {
    process.stderr.write('PostgreSQL binaries not found (apt-get install postgresql): the PostgreSQL tests will fail\n');
    return () => {};
  }
  const cluster = await startCluster(binDir);
  process.env['WHARF_TEST_POSTGRES_URL'] = cluster.url;
  return () => cluster.stop();
}
