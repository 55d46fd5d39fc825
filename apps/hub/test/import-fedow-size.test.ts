/**
 * `fedow import-fedow` of an original with thousands of cards: more transfers than
 * one page of `fedow verify` stay unsealed after the CLI (no sealer runs there),
 * and verify must still replay them all.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from './support/cli-run';
import { addAnonymousCards, buildOriginalFedow, type OriginalFixture } from './support/fedow-original';

const CARDS = 2_600;
let home: CliHome;
let original: OriginalFixture;
let source = '';

beforeAll(() => {
  home = cliHome();
  source = join(home.dir, 'original-fedow.sqlite3');
  original = buildOriginalFedow(source);
  addAnonymousCards(original, CARDS);
});
afterAll(() => {
  original.db.close();
  home.close();
});

describe('fedow import-fedow at size', () => {
  it(`imports ${CARDS} more cards with balances; verify replays the whole unsealed tail`, async () => {
    const report = await home.json('import-fedow', source);
    expect(report.imported.cards).toBe(CARDS + 4);
    expect(report.imported.openings).toBe(CARDS + 8);
    expect(report.totalsEqual).toBe(true);
    const db = new Database(join(home.dir, 'fedow.sqlite'), { readonly: true });
    const transfers = (db.prepare('select count(*) as n from transfers').get() as { n: number }).n;
    const blocks = (db.prepare('select count(*) as n from blocks').get() as { n: number }).n;
    db.close();
    // More than a page (5,000) of transfers, none sealed but the genesis block.
    expect(transfers).toBeGreaterThan(5_000);
    expect(blocks).toBe(1);
    expect((await home.run('verify')).code).toBe(0);
  }, 300_000);
});
