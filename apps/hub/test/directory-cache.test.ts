/**
 * The working set's directory is kept across requests under the directory's
 * version token (money/directory-cache.ts), which the database's triggers replace
 * at every directory write (migration 0015). Here another storage on the same
 * database — its own connections, as another hub process or the CLI has —
 * changes the directory with plain SQL, past the repository, and the first
 * hub's next working set must see each change; a rolled-back change must not
 * stay in the cache.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { loadWorkingSet } from '../src/ingest/working-set';
import { openStorage } from '../src/storage/open';
import * as repo from '../src/storage/repo';
import { removeTestDirs, seedPlace, startTestHub } from './admin-support';

afterAll(() => removeTestDirs());

const FEDERATION = '0190a0b0-0000-7000-8000-00000000dc01';
const NEW_ASSET = '0190a0b0-0000-7000-8000-00000000dc02';
const MELT = '0190a0b0-0000-7000-8000-00000000dc03';

describe.each(DIALECTS)('the cached directory on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('is read again after any writer changes the directory, and only then', async () => {
    const url = (await database()) ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fedow-directory-cache-')), 'fedow.sqlite')}`;
    const hub = await startTestHub(url);
    const other = await openStorage(url, { ioThreads: false });
    try {
      const { place, asset } = await seedPlace(hub, 'Le Bar Caché');
      const second = await seedPlace(hub, 'Autre Lieu');
      const read = hub.context.storage.read;
      const placeWallet = (await repo.getPlace(read, place.id))!.walletId;
      const workingSet = () => loadWorkingSet(read, place.id, []);
      const write = (query: ReturnType<typeof sql>) => other.transaction((tx) => tx.run(query));

      // Unchanged: the same objects, not read again.
      const first = await workingSet();
      expect((await workingSet()).places.get(place.id)).toBe(first.places.get(place.id));
      expect(first.places.get(place.id)!.policy.maxOfflineSale).toBe(5_000);

      // A place's offline policy and name.
      await write(sql`update places set offline_policy = ${JSON.stringify({ ...DEFAULT_OFFLINE_POLICY, maxOfflineSale: 1_234 })}, name = ${'Le Bar Renommé'} where id = ${place.id}`);
      const renamed = (await workingSet()).places.get(place.id)!;
      expect(renamed.name).toBe('Le Bar Renommé');
      expect(renamed.policy.maxOfflineSale).toBe(1_234);

      // An asset, new or archived.
      await write(sql`insert into assets (id, name, currency_code, category, decimals, origin_wallet_id, archived, created_at) values (${NEW_ASSET}, ${'Cadeau'}, ${'GFT'}, ${'TNF'}, ${2}, ${placeWallet}, ${dialect === 'sqlite' ? 0 : sql`false`}, ${'2026-07-01T00:00:00.000Z'})`);
      expect((await workingSet()).assets.get(NEW_ASSET)?.name).toBe('Cadeau');
      await write(sql`update assets set archived = ${dialect === 'sqlite' ? 1 : sql`true`} where id = ${asset.id}`);
      expect((await workingSet()).assets.get(asset.id)?.archived).toBe(true);

      // A federation gives the place another place's asset.
      expect((await workingSet()).federations.get('working-set')!.assets).not.toContain(second.asset.id);
      await write(sql`insert into federations (id, name, description, created_at) values (${FEDERATION}, ${'Fédé'}, ${''}, ${'2026-07-01T00:00:00.000Z'})`);
      await write(sql`insert into federation_places (federation_id, place_id) values (${FEDERATION}, ${place.id}), (${FEDERATION}, ${second.place.id})`);
      expect((await workingSet()).federations.get('working-set')!.assets).not.toContain(second.asset.id);
      await write(sql`insert into federation_assets (federation_id, asset_id) values (${FEDERATION}, ${second.asset.id})`);
      expect((await workingSet()).federations.get('working-set')!.assets).toContain(second.asset.id);

      // A melt policy.
      expect((await workingSet()).melts.has(asset.id)).toBe(false);
      await write(sql`insert into melt_policies (id, asset_id, rule, wallet_id, since) values (${MELT}, ${asset.id}, ${JSON.stringify({ rule: 'expiry', afterMonths: 6 })}, ${placeWallet}, ${'2026-07-01T00:00:00.000Z'})`);
      expect((await workingSet()).melts.get(asset.id)?.rule).toEqual({ rule: 'expiry', afterMonths: 6 });

      // A change read inside its own transaction, then rolled back, is not served afterwards.
      const rolledBack = other.transaction(async (tx) => {
        await tx.run(sql`update places set name = ${'Jamais Commis'} where id = ${place.id}`);
        expect((await loadWorkingSet(tx, place.id, [])).places.get(place.id)!.name).toBe('Jamais Commis');
        throw new Error('roll back');
      });
      await expect(rolledBack).rejects.toThrow('roll back');
      expect((await workingSet()).places.get(place.id)!.name).toBe('Le Bar Renommé');

      // A card's wallet is not the directory: creating one keeps the cache.
      const before = await workingSet();
      await write(sql`insert into wallets (id, kind, name, public_key) values (${'0190a0b0-0000-7000-8000-00000000dc04'}, ${'ephemeral'}, ${null}, ${null})`);
      expect((await workingSet()).places.get(place.id)).toBe(before.places.get(place.id));
      expect(await repo.directoryToken(read)).toBe(await repo.directoryToken(other.read));
    } finally {
      await other.close();
      await hub.close();
    }
  });
});
