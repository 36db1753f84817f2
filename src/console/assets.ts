import { readdirSync, readFileSync } from 'node:fs';
import * as sea from 'node:sea';

// The console's static files (HTML, CSS, hand-written ES modules) ship in the package next to this module:
// src/console/static in development, dist/console/static after `npm run build` copies them. They are read
// once at startup and served from memory, so the console works offline and needs no static-file plugin.
// Inside the one-file binary there is no file next to the module: scripts/build-binary.mjs carries them as
// SEA assets, `console/<name>`, listed by the asset `console/index.json`.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  name: string;
  contentType: string;
  body: Buffer;
}

export const SEA_ASSET_INDEX = 'console/index.json';

export function loadAssets(dir?: URL): Asset[] {
  if (dir === undefined && sea.isSea()) return fromSeaAssets();
  const from = dir ?? new URL('./static/', import.meta.url);
  return readdirSync(from)
    .filter((name) => Object.keys(TYPES).some((ext) => name.endsWith(ext)))
    .map((name) => ({
      name,
      contentType: TYPES[name.slice(name.lastIndexOf('.'))]!,
      body: readFileSync(new URL(name, from)),
    }));
}

function fromSeaAssets(): Asset[] {
  const names = JSON.parse(sea.getAsset(SEA_ASSET_INDEX, 'utf8')) as string[];
  return names.map((name) => ({
    name,
    contentType: TYPES[name.slice(name.lastIndexOf('.'))]!,
    body: Buffer.from(sea.getAsset(`console/${name}`)),
  }));
}
