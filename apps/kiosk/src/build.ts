/**
 * `npm run build -w @fedow/kiosk`: what electron-builder packages, in apps/kiosk/dist:
 *   ui/index.html, ui/app.js, ui/app.css      the till UI (also served by the headless service when present)
 *   electron/main.cjs, electron/preload.cjs   the shell, with the agent bundled in
 * Native modules stay outside the bundle (better-sqlite3, the PC/SC binding): they
 * are installed as the app's dependencies and rebuilt for Electron's ABI by
 * electron-builder.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleUi } from './ui-bundle';

const KIOSK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = join(KIOSK_DIR, 'dist');
/** Loaded at run time from node_modules: native code, or Electron itself. */
export const ELECTRON_EXTERNALS = ['electron', 'better-sqlite3', 'nfc-pcsc', '@pokusew/pcsclite', 'bufferutil', 'utf-8-validate'];

export async function buildKiosk(): Promise<string[]> {
  await rm(DIST_DIR, { recursive: true, force: true });
  await mkdir(join(DIST_DIR, 'ui'), { recursive: true });
  const written: string[] = [];
  for (const [name, file] of await bundleUi()) {
    const path = join(DIST_DIR, 'ui', name);
    await writeFile(path, file.body);
    written.push(path);
  }
  const result = await build({
    entryPoints: { main: join(KIOSK_DIR, 'src', 'electron', 'main.ts'), preload: join(KIOSK_DIR, 'src', 'electron', 'preload.ts') },
    outdir: join(DIST_DIR, 'electron'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 41 ships Node 24.
    target: ['node22'],
    external: ELECTRON_EXTERNALS,
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  written.push(...Object.keys(result.metafile.outputs).filter((path) => path.endsWith('.cjs')));
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildKiosk().then(
    (files) => console.log(files.join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
