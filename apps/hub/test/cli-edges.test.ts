/** The CLI's rough edges an operator met on the first evening (issue 16, point 12). */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { factoryCsv } from './admin-support';
import { cliHome, type CliHome } from './support/cli-run';

let home: CliHome;
afterEach(() => home?.close());

describe('the fedow CLI', () => {
  it('never creates a database for a read-only command, and says where it looked', async () => {
    home = cliHome();
    for (const args of [['places', '--list'], ['assets', '--list'], ['terminals', '--list'], ['verify'], ['cards', '--show', '0A000001']]) {
      const result = await home.run(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`no hub database at ${join(home.dir, 'fedow.sqlite')}`);
    }
    expect(readdirSync(home.dir)).toEqual([]);
  });

  it('answers errors as JSON with --json, usage mistakes with exit 2', async () => {
    home = cliHome();
    const usage = await home.run('assets', '--create', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ error: { code: 'usage' } });
    const refused = await home.run('places', '--policy', '01900000-0000-7000-8000-000000000000', '--max-offline-sale', '5', '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'not_found' } });
    expect(refused.stderr).not.toContain('unknown place');
  });

  it('names the flags typed, takes UUIDs in capitals, and refuses what makes no sense', async () => {
    home = cliHome();
    const place = await home.json('places', '--create', '--name', 'Bar', '--email', 'bar@example.org');
    const badCode = await home.run('assets', '--create', '--name', 'Jeton', '--currency_code', 'TOOLONG', '--category', 'TLF', '--place_origin', place.id);
    expect(badCode.code).toBe(1);
    expect(badCode.stderr).toContain('--currency_code');
    expect(badCode.stderr).not.toContain('currencyCode');
    const asset = await home.json('assets', '--create', '--name', 'Jeton', '--currency_code', 'JET', '--category', 'TLF', '--place_origin', place.id.toUpperCase());
    expect(asset.placeOrigin).toBe(place.id);
    const sameCode = await home.run('assets', '--create', '--name', 'Jeton bis', '--currency_code', 'jet', '--category', 'TNF', '--place_origin', place.id);
    expect(sameCode).toMatchObject({ code: 1 });
    expect(sameCode.stderr).toContain('currency code JET');
    const federation = await home.json('federations', '--create', '--name', 'Fédé');
    const fed = (await home.json('assets', '--list')).assets.find((one: { category: string }) => one.category === 'FED');
    const withFed = await home.run('federations', '--add_asset', '--fed_uuid', federation.id, '--asset_uuid', fed.id);
    expect(withFed.code).toBe(1);
    expect(withFed.stderr).toContain('federated by nature');
    expect((await home.run('federations', '--add_place', '--fed_uuid', federation.id, '--place_uuid', place.id)).code).toBe(0);
    const twice = await home.run('federations', '--add_place', '--fed_uuid', federation.id, '--place_uuid', place.id);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('already in this federation');
  });

  it('refuses a CSV whose first line is a broken card, and draws no progress bar where stderr is not a terminal', async () => {
    home = cliHome();
    const place = await home.json('places', '--create', '--name', 'Bar', '--email', 'bar@example.org');
    const file = join(home.dir, 'batch.csv');
    writeFileSync(file, factoryCsv(3, 0x0a000000, false).replace('0A000000', '0A00000'));
    const broken = await home.run('cards', '--import', file, '--place', place.id);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('line 1');
    writeFileSync(file, factoryCsv(3));
    const imported = await home.run('cards', '--import', file, '--place', place.id);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).not.toContain('importing cards');
    expect(existsSync(join(home.dir, 'fedow.sqlite'))).toBe(true);
  });
});

describe('the import progress bar', () => {
  it('is drawn on a terminal, and only there', async () => {
    const { progressBar } = await import('../src/cli/cards');
    const written: string[] = [];
    const stream = (isTTY: boolean) => Object.assign(new Writable({ write: (chunk, _encoding, done) => (written.push(String(chunk)), done()) }), { isTTY });
    const bar = progressBar({ stdout: stream(false), stderr: stream(true) });
    for (let done = 0; done <= 200; done += 50) bar?.(done, 200);
    expect(written.join('')).toContain('200/200 100%');
    expect(progressBar({ stdout: stream(false), stderr: stream(false) })).toBeUndefined();
  });
});
