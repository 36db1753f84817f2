import { readdirSync, readFileSync } from 'node:fs';

// The console's static files (HTML, CSS, hand-written ES modules) ship in the package next to this module:
// src/console/static in development, dist/console/static after `npm run build` copies them. They are read
// once at startup and served from memory, so the console works offline and needs no static-file plugin.

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

export function loadAssets(dir: URL = new URL('./static/', import.meta.url)): Asset[] {
  return readdirSync(dir)
    .filter((name) => Object.keys(TYPES).some((ext) => name.endsWith(ext)))
    .map((name) => ({
      name,
      contentType: TYPES[name.slice(name.lastIndexOf('.'))]!,
      body: readFileSync(new URL(name, dir)),
    }));
}
