/** `fedow import-fedow`: an original Fedow's database (its Django table layout) moves into a hub, once. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from './support/cli-run';
import { buildOriginalFedow, hex, pem, type OriginalFixture } from './support/fedow-original';

let home: CliHome;
let original: OriginalFixture;
let source = '';

beforeAll(() => {
  home = cliHome();
  source = join(home.dir, 'original-fedow.sqlite3');
  original = buildOriginalFedow(source);
});
afterAll(() => {
  original.db.close();
  home.close();
});

function hubDb(): Database.Database {
  return new Database(join(home.dir, 'fedow.sqlite'), { readonly: true });
}

function balanceOf(db: Database.Database, wallet: string, asset: string): number {
  return (db.prepare('select value from balances where wallet_id = ? and asset_id = ?').get(wallet, asset) as { value: number } | undefined)?.value ?? 0;
}

describe('fedow import-fedow', () => {
  it('a dry run prints what would be imported and writes nothing', async () => {
    const report = await home.json('import-fedow', `sqlite:${source}`, '--dry-run');
    expect(report.dryRun).toBe(true);
    expect(report.found).toMatchObject({ places: 2, assets: 4, federations: 1, users: 2, cards: 4, primaryCards: 1, apiKeys: 2, openings: 8 });
    expect(report.imported).toEqual(report.found);
    const human = await home.run('import-fedow', source, '--dry-run');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/would import/);
    expect(human.stdout).toMatch(/Monnaie du Port 🌊\s+32\.25 MDP\s+0\.00 MDP\s+to import/);
    const db = hubDb();
    expect(db.prepare('select count(*) as n from places').get()).toEqual({ n: 0 });
    expect(db.prepare(`select count(*) as n from requests where kind = 'opening'`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('imports places, assets, federations, cards, users and keys under their ids, and one opening request per wallet and asset; totals equal; verify passes', async () => {
    const run = await home.run('import-fedow', `sqlite:${source}`, '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.imported).toMatchObject({ places: 2, assets: 4, federations: 1, users: 2, cards: 4, primaryCards: 1, apiKeys: 2, walletKeys: 2, openings: 8 });
    expect(report.totalsEqual).toBe(true);
    expect(report.refused).toEqual([]);
    const { ids } = original;
    const db = hubDb();
    const fed = (db.prepare(`select id from assets where category = 'FED'`).get() as { id: string }).id;
    const primary = (db.prepare(`select id from wallets where kind = 'primary'`).get() as { id: string }).id;
    const hubAsset = (asset: string) => (asset === ids.fed ? fed : asset);
    const hubWallet = (wallet: string) => (wallet === ids.primary ? primary : wallet);
    for (const token of original.tokens) expect(balanceOf(db, hubWallet(token.wallet), hubAsset(token.asset)), `${token.wallet} ${token.asset}`).toBe(token.value);
    for (const asset of [ids.local, ids.gift, ids.membership, ids.badge, ids.fed]) {
      const original_ = original.tokens.filter((token) => token.asset === asset).reduce((sum, token) => sum + token.value, 0);
      const held = (db.prepare('select coalesce(sum(value), 0) as total from balances where asset_id = ?').get(hubAsset(asset)) as { total: number }).total;
      expect(held, asset).toBe(original_);
    }
    expect(db.prepare(`select name, wallet_id as wallet from places order by name`).all()).toEqual([
      { name: 'Café du Port ☕', wallet: ids.barWallet },
      { name: 'Lespass Asso', wallet: ids.lespassWallet },
    ]);
    expect(db.prepare(`select kind from wallets where id = ?`).get(ids.anonymousWallet)).toEqual({ kind: 'ephemeral' });
    expect(db.prepare(`select kind from wallets where id = ?`).get(ids.orphanWallet)).toEqual({ kind: 'ephemeral' });
    expect(db.prepare(`select email, wallet_id as wallet from users where id = ?`).get(ids.bob)).toEqual({ email: 'bob@example.org', wallet: ids.bobWallet });
    expect(db.prepare(`select first_tag_id as tag, user_id as user, ephemeral_wallet_id as ephemeral from cards where id = ?`).get(ids.aliceCard)).toEqual({ tag: 'A1B2C3D4', user: ids.alice, ephemeral: null });
    // Bob's card held his wallet as its "ephemeral" one: here it is simply Bob's card.
    expect(db.prepare(`select user_id as user, ephemeral_wallet_id as ephemeral from cards where id = ?`).get(ids.bobCard)).toEqual({ user: ids.bob, ephemeral: null });
    expect(db.prepare(`select place_id as place from card_primary_places where card_id = ?`).all(ids.cashierCard)).toEqual([{ place: ids.bar }]);
    expect(db.prepare(`select category, archived, created_at as createdAt from assets where id = ?`).get(ids.local)).toEqual({ category: 'TLF', archived: 0, createdAt: '2023-06-01T12:00:00.000Z' });
    expect(db.prepare(`select archived from assets where id = ?`).get(ids.gift)).toEqual({ archived: 1 });
    expect(db.prepare(`select count(*) as n from transfers where action = 'FST' and asset_id in (?, ?, ?, ?)`).get(ids.local, ids.gift, ids.membership, ids.badge)).toEqual({ n: 4 });
    expect(db.prepare(`select asset_id as asset from federation_assets where federation_id = ?`).all(ids.federation)).toEqual([{ asset: ids.local }]);
    expect(db.prepare(`select public_pem as pem from compat_wallet_keys where wallet_id = ?`).get(ids.aliceWallet)).toEqual({ pem: pem('aliceWallet') });
    expect(db.prepare(`select cashless_rsa_pub_key as key, lespass_domain as lespass from compat_places where place_id = ?`).get(ids.bar)).toEqual({ key: pem('cashless'), lespass: null });
    expect(db.prepare(`select kind, hashed_key as hash, place_id as place from compat_api_keys order by prefix`).all()).toEqual([
      { kind: 'place', hash: 'sha512$$bbbb', place: ids.bar },
      { kind: 'root', hash: 'sha512$$aaaa', place: null },
    ]);
    expect(db.prepare(`select count(*) as n from compat_tokens`).get()).toEqual({ n: original.tokens.length });
    // One recorded request per non-zero token, each a CRE (and a REF unless the wallet is the asset's origin).
    const openings = db.prepare(`select id, source, actor from requests where kind = 'opening' and status = 'applied'`).all() as { id: string; source: string; actor: string }[];
    expect(openings).toHaveLength(8);
    expect(new Set(openings.map((row) => `${row.source}:${row.actor}`))).toEqual(new Set(['operator:cli']));
    expect(db.prepare(`select action, count(*) as n from transfers t join requests r on r.id = t.request_id where r.kind = 'opening' group by action order by action`).all()).toEqual([
      { action: 'CRE', n: 8 },
      { action: 'REF', n: 7 },
    ]);
    db.close();
    // verify prints on the process's own stdout; its exit code is its verdict.
    expect((await home.run('verify')).code).toBe(0);
  });

  it('a second run imports nothing, and the totals still agree', async () => {
    const report = await home.json('import-fedow', source);
    expect(Object.values(report.imported).every((count) => count === 0), JSON.stringify(report.imported)).toBe(true);
    expect(report.totalsEqual).toBe(true);
    const db = hubDb();
    expect(db.prepare(`select count(*) as n from requests where kind = 'opening'`).get()).toEqual({ n: 8 });
    db.close();
  });

  it('an original that moved since (a balance changed) is reported as different, and nothing is booked twice', async () => {
    original.db.prepare(`update fedow_core_token set value = value + 100 where wallet_id = ? and asset_id = ?`).run(hex(original.ids.aliceWallet), hex(original.ids.local));
    const run = await home.run('import-fedow', source);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Monnaie du Port 🌊\s+33\.25 MDP\s+32\.25 MDP\s+DIFFERENT/);
    expect(run.stdout).toMatch(/NOT complete/);
    const db = hubDb();
    expect(balanceOf(db, original.ids.aliceWallet, original.ids.local)).toBe(2000);
    db.close();
    original.db.prepare(`update fedow_core_token set value = value - 100 where wallet_id = ? and asset_id = ?`).run(hex(original.ids.aliceWallet), hex(original.ids.local));
  });

  it('refuses a database that is not an original Fedow, and one whose rows clash with the hub, writing nothing', async () => {
    const notFedow = join(home.dir, 'fedow.sqlite');
    const wrong = await home.run('import-fedow', notFedow);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is not an original Fedow database: no table fedow_core_configuration/);
    const missing = await home.run('import-fedow', join(home.dir, 'nothing.sqlite3'));
    expect(missing.stderr).toMatch(/no original Fedow database at/);
    expect((await home.run('import-fedow')).code).toBe(2);

    const other = cliHome();
    try {
      const taken = await other.json('places', '--create', '--name', 'Lespass Asso', '--email', 'someone@example.org');
      const clash = await other.run('import-fedow', source);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain(`place "Lespass Asso" belongs to ${taken.id} here, to ${original.ids.lespass} in the original`);
      const db = new Database(join(other.dir, 'fedow.sqlite'), { readonly: true });
      expect(db.prepare('select count(*) as n from places').get()).toEqual({ n: 1 });
      expect(db.prepare('select count(*) as n from cards').get()).toEqual({ n: 0 });
      db.close();
    } finally {
      other.close();
    }
  });
});
