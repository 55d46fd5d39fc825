/**
 * docs/ARCHITECTURE.md, "What may import what", checked on every import of every
 * source file: the packages never point up at the apps or sideways at a package they
 * do not build on, the money room does not lean on the compatibility layer, and
 * tests and benchmarks share worlds through support/ instead of importing each other.
 * A broken arrow fails here, with the file and the import that broke it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each room's source, and the workspace packages it builds on (a package may always import itself). */
const ROOMS: { name: string; src: string; may: readonly string[] }[] = [
  { name: '@fedow/protocol', src: 'packages/protocol/src', may: [] },
  { name: '@fedow/ledger', src: 'packages/ledger/src', may: ['@fedow/protocol'] },
  { name: '@fedow/nfc', src: 'packages/nfc/src', may: [] },
  { name: '@fedow/terminal', src: 'packages/terminal/src', may: ['@fedow/protocol', '@fedow/ledger', '@fedow/nfc'] },
  { name: '@fedow/hardware', src: 'hardware/src', may: [] },
  { name: '@fedow/hub', src: 'apps/hub/src', may: ['@fedow/protocol', '@fedow/ledger'] },
  { name: '@fedow/kiosk', src: 'apps/kiosk/src', may: ['@fedow/protocol', '@fedow/nfc', '@fedow/terminal'] },
];

interface Import {
  file: string;
  specifier: string;
  /** The absolute path a relative specifier points at (without extension); undefined for a package. */
  target: string | undefined;
}

const IMPORT = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string, text: string): Import[] {
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = (match[1] ?? match[2] ?? match[3])!;
    const target = specifier.startsWith('.') ? resolve(dirname(file), specifier).replace(/\.(ts|mjs|js)$/, '') : undefined;
    return { file, specifier, target };
  });
}

function sources(dir: string): string[] {
  const full = join(ROOT, dir);
  return readdirSync(full).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const path = join(full, name);
    if (statSync(path).isDirectory()) return sources(join(dir, name));
    return /\.(ts|mts|mjs)$/.test(name) ? [path] : [];
  });
}

function importsUnder(dir: string): Import[] {
  return sources(dir).flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
}

const rel = (path: string) => relative(ROOT, path).split('\\').join('/');
const show = (entry: Import) => `${rel(entry.file)}: ${entry.specifier}`;
const packageOf = (specifier: string) => specifier.split('/').slice(0, 2).join('/');
/** A path inside a folder named `test` (a suite or a test helper), wherever it is. */
const inTests = (path: string) => rel(path).split('/').includes('test');

/**
 * The imports of `room` that break its arrows: a workspace package it does not build on,
 * or a relative path out of its package. A relative path into the source of a package it
 * builds on is an arrow it may draw: a browser bundle takes single modules rather than a
 * package's whole index (holder/web/wallet-key.ts).
 */
function roomOffences(room: (typeof ROOMS)[number], imports: readonly Import[]): string[] {
  const homes = [dirname(room.src), ...room.may.map((name) => ROOMS.find((other) => other.name === name)!.src)].map((dir) => `${join(ROOT, dir)}/`);
  return imports
    .filter((entry) =>
      entry.target === undefined
        ? entry.specifier.startsWith('@fedow/') && packageOf(entry.specifier) !== room.name && !room.may.includes(packageOf(entry.specifier))
        : !homes.some((home) => entry.target!.startsWith(home)),
    )
    .map(show);
}

/** Scripts and support/ drive the apps like any outside program: public entries only, and no test code. */
function outsiderOffences(imports: readonly Import[]): string[] {
  return imports
    .filter((entry) => entry.target !== undefined && (inTests(entry.target) || /^(apps|packages|hardware)\//.test(rel(entry.target))))
    .map(show);
}

describe('what may import what', () => {
  it('reads the sources of every room', () => {
    for (const room of ROOMS) expect(sources(room.src).length, room.src).toBeGreaterThan(0);
    expect(importsUnder('support').length).toBeGreaterThan(20);
    expect(importsUnder('scripts').length).toBeGreaterThan(50);
  });

  it.each(ROOMS)('$name imports only the packages it builds on, and nothing outside its own folder', (room) => {
    expect(roomOffences(room, importsUnder(room.src))).toEqual([]);
  });

  it('money never imports the compatibility layer', () => {
    const hub = join(ROOT, 'apps/hub/src');
    const arrows = importsUnder('apps/hub/src/money')
      .filter((entry) => entry.target?.startsWith(join(hub, 'compat/')))
      .map((entry) => `${relative(hub, entry.file)} -> ${relative(hub, entry.target!)}.ts`);
    expect(arrows).toEqual([]);
  });

  it('benchmarks and scripts use public entries and support/, never tests or the apps’ folders', () => {
    expect(outsiderOffences(importsUnder('scripts'))).toEqual([]);
  });

  it('support/ uses public entries, no tests, no benchmarks and no test runner', () => {
    const imports = importsUnder('support');
    expect(outsiderOffences(imports)).toEqual([]);
    expect(imports.filter((entry) => entry.specifier === 'vitest' || rel(entry.target ?? '').startsWith('scripts/')).map(show)).toEqual([]);
  });

  it('tests never import benchmarks or scripts', () => {
    const imports = ['test', ...ROOMS.map((room) => join(dirname(room.src), 'test'))].flatMap(importsUnder);
    expect(imports.filter((entry) => entry.target !== undefined && rel(entry.target).startsWith('scripts/')).map(show)).toEqual([]);
  });

  it('would catch a broken arrow (the checks are not vacuous)', () => {
    const ledger = ROOMS.find((room) => room.name === '@fedow/ledger')!;
    const file = join(ROOT, 'packages/ledger/src/sample.ts');
    expect(roomOffences(ledger, importsOf(file, "import { x } from '@fedow/terminal';"))).toHaveLength(1);
    expect(roomOffences(ledger, importsOf(file, "import { y } from '../../../apps/hub/src/app';"))).toHaveLength(1);
    expect(roomOffences(ledger, importsOf(file, "import { y } from '../../terminal/src/journal';"))).toHaveLength(1);
    expect(roomOffences(ledger, importsOf(file, "export { z } from './hash';\nimport type { W } from '@fedow/protocol';"))).toEqual([]);
    const bench = join(ROOT, 'scripts/bench/sample.ts');
    expect(outsiderOffences(importsOf(bench, "import { seedHub } from '../../apps/hub/test/support/seed';"))).toHaveLength(1);
    expect(outsiderOffences(importsOf(bench, "const m = await import('../../apps/hub/src/storage/repo');"))).toHaveLength(1);
    expect(outsiderOffences(importsOf(bench, "import { repo } from '@fedow/hub';\nimport { seedHub } from '../../support/seed';"))).toEqual([]);
  });
});
