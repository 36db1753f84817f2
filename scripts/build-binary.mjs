// npm run build:binary → dist/wharf: one executable file (Node's single executable applications).
//   1. esbuild bundles src/main.ts and its dependencies into one CommonJS file (SEA runs CommonJS);
//      `bindings` is replaced by scripts/sea/bindings.cjs, which loads better-sqlite3's addon from a SEA asset;
//   2. node --experimental-sea-config writes the preparation blob (bundle + addon asset);
//   3. a copy of this node binary gets the blob injected with postject.
// Node 20.12+ is needed for SEA assets (sea.getAsset); this machine has 20.20.
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(join(root, 'package.json'));
const work = join(root, 'build', 'sea');
const output = join(root, 'dist', 'wharf');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(dirname(output), { recursive: true });

const started = Date.now();
await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: join(work, 'wharf.cjs'),
  alias: { bindings: join(root, 'scripts', 'sea', 'bindings.cjs') },
  // A shebang is not valid at the start of a SEA main script.
  banner: { js: '' },
  logLevel: 'warning',
  legalComments: 'none',
});

const addon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
// The web console's static files, read by src/console/assets.ts through sea.getAsset.
const consoleDir = join(root, 'src', 'console', 'static');
const consoleFiles = readdirSync(consoleDir);
writeFileSync(join(work, 'console-index.json'), JSON.stringify(consoleFiles));
const consoleAssets = Object.fromEntries([
  ['console/index.json', join(work, 'console-index.json')],
  ...consoleFiles.map((name) => [`console/${name}`, join(consoleDir, name)]),
]);
const blob = join(work, 'wharf.blob');
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({
    main: join(work, 'wharf.cjs'),
    output: blob,
    disableExperimentalSEAWarning: true,
    assets: { 'better_sqlite3.node': addon, ...consoleAssets },
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'inherit' });

rmSync(output, { force: true });
copyFileSync(process.execPath, output);
chmodSync(output, 0o755);
execFileSync(
  process.execPath,
  [require.resolve('postject/dist/cli.js'), output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
  // postject warns about ELF note sections it does not touch; its output is shown only if it fails.
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
const mib = (statSync(output).size / 1024 / 1024).toFixed(1);
process.stdout.write(`dist/wharf: ${mib} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
