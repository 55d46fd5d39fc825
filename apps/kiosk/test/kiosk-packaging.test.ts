/**
 * What electron-builder will package, checked here where it cannot run: the root
 * electron-builder.yml parses and names the entry points `npm run build -w
 * @fedow/kiosk` writes, for Linux (AppImage, deb; x64, arm64) and Windows (nsis);
 * the build produces them; the preload needs nothing but `electron`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildKiosk, DIST_DIR } from '../src/build';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const KIOSK = join(ROOT, 'apps', 'kiosk');

interface Target {
  target: string;
  arch: string[];
}

afterAll(() => rmSync(DIST_DIR, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  // Safe: the fields read below; a missing one fails the expectations, not the cast.
  const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
    electronVersion: string;
    directories: { app: string };
    files: string[];
    extraMetadata: { main: string };
    linux: { target: Target[] };
    win: { target: Target[] };
    asarUnpack: string[];
  };
  // Safe: as above.
  const kioskPackage = JSON.parse(readFileSync(join(KIOSK, 'package.json'), 'utf8')) as { main: string; devDependencies: Record<string, string> };

  it('packages apps/kiosk with the built main, preload and UI, on the pinned Electron', () => {
    expect(config.directories.app).toBe('apps/kiosk');
    expect(config.extraMetadata.main).toBe('dist/electron/main.cjs');
    expect(kioskPackage.main).toBe(config.extraMetadata.main);
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/ui/**', 'package.json']));
    expect(config.electronVersion).toBe(kioskPackage.devDependencies.electron);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('builds AppImage and deb for x64 and arm64, and an nsis installer for Windows', () => {
    const linux = Object.fromEntries(config.linux.target.map((target) => [target.target, [...target.arch].sort()]));
    expect(linux).toEqual({ AppImage: ['arm64', 'x64'], deb: ['arm64', 'x64'] });
    expect(config.win.target.map((target) => target.target)).toEqual(['nsis']);
  });

  it('names files the build writes', async () => {
    const written = await buildKiosk();
    for (const file of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/ui/index.html', 'dist/ui/app.js', 'dist/ui/app.css']) {
      expect(existsSync(join(KIOSK, file))).toBe(true);
      expect(written.some((path) => path.endsWith(file))).toBe(true);
    }
    // A sandboxed preload may require only 'electron'.
    const preload = readFileSync(join(KIOSK, 'dist/electron/preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1])).toEqual(['electron']);
    // The main bundle leaves native code and Electron to node_modules.
    const main = readFileSync(join(KIOSK, 'dist/electron/main.cjs'), 'utf8');
    const required = new Set([...main.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !name!.startsWith('node:')));
    expect([...required].filter((name) => !['electron', 'better-sqlite3', 'nfc-pcsc', 'bufferutil', 'utf-8-validate'].includes(name!) && !isBuiltin(name!))).toEqual([]);
  });
});

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name);
}
