/** `fedow import-fedow` with PostgreSQL on both sides: the original's Django tables there, and the hub's own database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../support/postgres';
import { cliProcess } from './support/cli-process';
import { buildOriginalFedow, copyOriginalToPostgres, type OriginalFixture } from './support/fedow-original';

let server: TestPostgres;
let dir = '';
let env: NodeJS.ProcessEnv;
let originalUrl = '';
let hubUrl = '';
let fixture: OriginalFixture;
const { fedow, json } = cliProcess(() => ({ cwd: dir, env }));

beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'fedow-import-pg-'));
  fixture = buildOriginalFedow(join(dir, 'original.sqlite3'));
  originalUrl = await server.createDatabase('original_fedow');
  await copyOriginalToPostgres(fixture, originalUrl);
  hubUrl = await server.createDatabase('hub');
  env = { ...process.env, DATABASE_URL: hubUrl, FEDOW_DATA_DIR: join(dir, 'data'), HUB_KEY: '', HUB_KEY_FILE: '', LOG_LEVEL: 'error' };
}, 120_000);
afterAll(async () => {
  fixture?.db.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('fedow import-fedow on PostgreSQL', () => {
  it('imports an original kept in PostgreSQL into a hub on PostgreSQL; totals equal, verify passes, a second run imports nothing', async () => {
    const report = await json('import-fedow', originalUrl);
    expect(report.imported).toMatchObject({ places: 2, assets: 4, federations: 1, users: 2, cards: 4, primaryCards: 1, apiKeys: 2, walletKeys: 2, openings: 8 });
    expect(report.totalsEqual).toBe(true);
    const client = new pg.Client({ connectionString: hubUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ value: string }>('select value from balances where wallet_id = $1 and asset_id = $2', [fixture.ids.anonymousWallet, fixture.ids.local]);
      expect(rows.map((row) => Number(row.value))).toEqual([750]);
      const { rows: assets } = await client.query<{ created_at: string }>('select created_at from assets where id = $1', [fixture.ids.local]);
      expect(assets).toEqual([{ created_at: '2023-06-01T12:00:00.000Z' }]);
    } finally {
      await client.end();
    }
    const verify = await fedow('verify');
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const again = await json('import-fedow', originalUrl);
    expect(Object.values(again.imported).every((count) => count === 0), JSON.stringify(again.imported)).toBe(true);
    expect(again.totalsEqual).toBe(true);
  });
});
