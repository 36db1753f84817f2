import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dependency direction of STYLE.md §3.1, checked on every test run:
// main → app → api → actions → core; actions → storage port (types); storage/sqlite → port, core/types.

interface Import {
  from: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const IMPORT = /^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[3]!;
    const target = specifier.startsWith('.') ? normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { from: file, target, typeOnly: match[2] !== undefined };
  });
}

const files = sourceFiles('src');
const imports = files.flatMap(importsOf);
const inside = (path: string, dir: string) => !relative(dir, path).startsWith('..');
const violations = (rule: (i: Import) => boolean) => imports.filter(rule).map((i) => `${i.from} → ${i.target}`);

describe('architecture', () => {
  it('core imports nothing from the project outside core except the storage port, as types', () => {
    expect(
      violations(
        (i) =>
          inside(i.from, 'src/core') &&
          i.target.startsWith('src') &&
          !inside(i.target, 'src/core') &&
          !(i.typeOnly && i.target === 'src/storage/storage.ts'),
      ),
    ).toEqual([]);
  });

  it('core and actions use no HTTP, XML or SQL library', () => {
    const forbidden = ['fastify', 'fast-xml-parser', 'better-sqlite3'];
    expect(violations((i) => (inside(i.from, 'src/core') || inside(i.from, 'src/actions')) && forbidden.includes(i.target))).toEqual([]);
  });

  it('actions reach storage only through the port, and api never touches storage', () => {
    expect(violations((i) => inside(i.from, 'src/actions') && inside(i.target, 'src/storage') && i.target !== 'src/storage/storage.ts')).toEqual([]);
    expect(violations((i) => inside(i.from, 'src/api') && inside(i.target, 'src/storage'))).toEqual([]);
  });

  it('the console reads through the storage port (types only) and never runs SQL or reaches into actions', () => {
    expect(
      violations(
        (i) =>
          inside(i.from, 'src/console') &&
          (i.target === 'better-sqlite3' ||
            inside(i.target, 'src/actions') ||
            (inside(i.target, 'src/storage') && !(i.typeOnly && i.target === 'src/storage/storage.ts'))),
      ),
    ).toEqual([]);
    expect(imports.some((i) => i.from === 'src/console/read-model.ts' && i.target === 'src/storage/storage.ts')).toBe(true);
  });

  it('storage knows nothing of HTTP, actions or api', () => {
    expect(
      violations(
        (i) =>
          inside(i.from, 'src/storage') &&
          (['fastify', 'fast-xml-parser'].includes(i.target) || inside(i.target, 'src/api') || inside(i.target, 'src/actions')),
      ),
    ).toEqual([]);
  });

  it('has no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports) if (i.target.startsWith('src')) graph.set(i.from, [...(graph.get(i.from) ?? []), i.target]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    files.forEach((file) => visit(file, []));
    expect(cycles).toEqual([]);
  });

  it('finds the imports it checks (the scanner itself works)', () => {
    expect(imports.some((i) => i.from === 'src/assemble.ts' && i.target === 'src/app.ts')).toBe(true);
    expect(imports.some((i) => i.from === 'src/core/context.ts' && i.typeOnly && i.target === 'src/storage/storage.ts')).toBe(true);
  });
});
