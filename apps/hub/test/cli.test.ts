/**
 * `fedow …` as an operator runs it on a temp SQLite database: most commands through the CLI's entry
 * function in this process; a real child process for one command of each family, the exit codes and `serve`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryCsv } from './admin-support';
import { cliInProcess, cliProcess, FEDOW_BIN as BIN } from './support/cli-process';

let dir = '';
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: dir, env }));
const real = cliProcess(() => ({ cwd: dir, env }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-cli-'));
  env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'data', 'fedow.sqlite')}`, HUB_KEY: '', HUB_KEY_FILE: '', LOG_LEVEL: 'error' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));




// Generous: at a load near 28 on 2 cores, 22 commands did not fit in 60 s.
describe('fedow CLI', { timeout: 180_000 }, () => {
  it('sets up a place, assets, a federation, products and cards, with --json outputs', async () => {
    const first = await real.fedow('places', '--create', '--name', 'Bar du Port', '--email', 'Admin@Port.org', '--json');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/operator token \(shown once, keep it\): fedow_/);
    const place = JSON.parse(first.stdout);
    expect(place).toMatchObject({ name: 'Bar du Port', adminEmail: 'admin@port.org' });
    expect((await json('places', '--list')).places).toHaveLength(1);
    const human = await fedow('places', '--list');
    expect(human.stdout).toContain('admin@port.org');
    expect(human.stderr).toBe('');

    const asset = await json('assets', '--create', '--name', 'Jeton', '--currency_code', 'JET', '--category', 'TLF', '--place_origin', place.id);
    expect(asset).toMatchObject({ id: expect.any(String), currencyCode: 'JET', placeOrigin: place.id });
    expect((await json('assets', '--list')).assets.map((a: { category: string }) => a.category)).toEqual(['FED', 'TLF']);

    const federation = await real.json('federations', '--create', '--name', 'Quartier');
    const added = await json('federations', '--add_place', '--fed_uuid', federation.id, '--place_uuid', place.id);
    expect(added.places).toEqual([place.id]);
    const withAsset = await json('federations', '--add_asset', '--fed_uuid', federation.id, '--asset_uuid', asset.id);
    expect(withAsset.assets).toEqual([asset.id]);
    expect((await json('federations', '--remove_asset', '--fed_uuid', federation.id, '--asset_uuid', asset.id)).assets).toEqual([]);
    expect((await json('federations', '--list')).federations).toHaveLength(1);

    const product = await real.json('products', '--create', '--place', place.id, '--label', 'Bière', '--price', '350', '--asset', asset.id, '--category', 'Boissons');
    expect(product).toMatchObject({ id: expect.any(String), price: 350 });
    expect((await json('products', '--list', '--place', place.id)).products).toHaveLength(1);
    expect((await json('products', '--archive', product.id)).archived).toBe(true);

    const file = join(dir, 'batch.csv');
    writeFileSync(file, factoryCsv(200));
    const imported = await real.fedow('cards', '--import', file, '--place', place.id, '--generation', '3');
    expect(imported.code, imported.stderr).toBe(0);
    // stderr is a pipe here, not a terminal: no progress bar in a log.
    expect(imported.stderr).not.toContain('importing cards');
    expect(imported.stdout).toContain('200 card(s) imported');
    const card = await json('cards', '--show', '0A000005');
    expect(card).toMatchObject({ card: { firstTagId: '0A000005', numberPrinted: '67772165' }, blocked: false });
    expect((await json('cards', '--set-primary', '0A000005', '--place', place.id)).card.primaryFor).toEqual([place.id]);
    expect(await json('cards', '--lost', '67772165')).toMatchObject({ blocked: true, reason: 'lost', card: { primaryFor: [] } });
    expect((await json('assets', '--archive', asset.id)).archived).toBe(true);
    // The verifier (src/verify) runs on the same database through the same entry point.
    expect(await real.json('verify')).toMatchObject({ ok: true, firstDiscrepancy: null });
  });

  it('pairs, lists and revokes terminals', async () => {
    const place = await json('places', '--create', '--name', 'Cantine', '--email', 'c@cantine.org');
    const code = await json('terminals', '--pair', '--place', place.id, '--name', 'Caisse 1');
    expect(code.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect((await json('terminals', '--list')).terminals).toEqual([]);
    const human = await real.fedow('terminals', '--pair', '--place', place.id, '--name', 'Caisse 2');
    expect(human.stdout).toMatch(/pairing code for "Caisse 2": [0-9A-Z]{8}/);
    const missing = await fedow('terminals', '--revoke', '0190a0b0-0000-7000-8000-00000000dead');
    expect(missing).toMatchObject({ code: 1, stderr: 'fedow: unknown terminal 0190a0b0-0000-7000-8000-00000000dead (not_found)\n' });
  });

  it('exits non-zero with one clear line on mistakes, and nothing of a broken file is imported', async () => {
    const place = await json('places', '--create', '--name', 'Kiosque', '--email', 'k@k.org');
    const duplicate = await real.fedow('places', '--create', '--name', 'Kiosque', '--email', 'k@k.org');
    expect(duplicate).toMatchObject({ code: 1, stdout: '', stderr: 'fedow: a place named "Kiosque" already exists (conflict)\n' });
    const usage = await real.fedow('assets', '--create', '--list');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^fedow: fedow assets: give exactly one of/);
    expect((await fedow('assets', '--create', '--name', 'X', '--currency_code', 'TOOLONG', '--category', 'TLF', '--place_origin', place.id)).stderr).toContain('--currency_code');
    expect((await fedow('places', '--nope')).code).toBe(2);
    expect((await real.fedow('teleport')).code).toBe(2);
    const file = join(dir, 'broken.csv');
    writeFileSync(file, factoryCsv(10, 0x0c000000).replace('0C000004', 'XYZ'));
    const broken = await real.fedow('cards', '--import', file, '--place', place.id);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/line 6: the tag id "XYZ" is not 8, 14 or 20 hex characters/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    // The file's good lines were not stored either.
    expect((await fedow('cards', '--show', '0C000001')).stderr).toContain('unknown card 0C000001');
    expect((await fedow('cards', '--import', join(dir, 'absent.csv'), '--place', place.id)).stderr).toContain('cannot read');
  });

  it('serves the hub until SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in ${stdout}`)), 90_000);
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toContain('fedow hub stopped');
  });
});
