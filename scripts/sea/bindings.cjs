'use strict';
// Stands in for the `bindings` package inside the single-file binary (esbuild aliases it here).
// better-sqlite3 calls bindings('better_sqlite3.node') the first time a database opens; we write the
// addon carried as a SEA asset to a private cache directory, once per addon content, and load it from
// there (a native addon must be a file to be dlopen'ed).
const { createHash } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');
const sea = require('node:sea');

let loaded;

module.exports = function bindings(name) {
  if (loaded) return loaded;
  const addon = Buffer.from(sea.getAsset(name));
  const digest = createHash('sha256').update(addon).digest('hex').slice(0, 16);
  const root = process.env.WHARF_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wharf');
  const dir = join(root, `addon-${digest}`);
  const file = join(dir, name);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written under a temporary name and renamed, so a concurrent start never loads a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, addon, { mode: 0o500 });
    renameSync(partial, file);
  }
  chmodSync(dir, 0o700);
  const module = { exports: {} };
  process.dlopen(module, file);
  loaded = module.exports;
  return loaded;
};
