/**
 * The UI as three files (index.html, app.js, app.css), bundled by esbuild from
 * src/ui: in memory for the headless service and the tests, onto disk (dist/ui)
 * for the Electron package. esbuild is a local binary (no network, ~100 ms).
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ui');

export interface UiFile {
  contentType: string;
  body: Buffer;
}

/** Relative path ('index.html', 'app.js', 'app.css') → file. */
export type UiAssets = ReadonlyMap<string, UiFile>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  const extension = name.slice(name.lastIndexOf('.'));
  return TYPES[extension] ?? 'application/octet-stream';
}

export async function bundleUi(options: { minify?: boolean } = {}): Promise<UiAssets> {
  const result = await build({
    entryPoints: { app: join(UI_DIR, 'main.ts') },
    bundle: true,
    write: false,
    outdir: '/ui',
    format: 'iife',
    platform: 'browser',
    // Chromium of Debian 12 and Electron 41: both recent.
    target: ['chrome120'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = new Map<string, UiFile>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    files.set(name, { contentType: contentTypeOf(name), body: Buffer.from(file.contents) });
  }
  files.set('index.html', { contentType: contentTypeOf('index.html'), body: await readFile(join(UI_DIR, 'index.html')) });
  for (const name of ['index.html', 'app.js', 'app.css']) if (!files.has(name)) throw new Error(`UI bundle lacks ${name}`);
  return files;
}

/** A bundle written earlier (`npm run build -w @fedow/kiosk`), or null when there is none. */
export async function readBuiltUi(directory: string): Promise<UiAssets | null> {
  const names = await readdir(directory).catch(() => null);
  if (!names || !['index.html', 'app.js', 'app.css'].every((name) => names.includes(name))) return null;
  const files = new Map<string, UiFile>();
  for (const name of names) files.set(name, { contentType: contentTypeOf(name), body: await readFile(join(directory, name)) });
  return files;
}
