/** The Fedow-compatible API's rows on both dialects: keys by prefix, one key per wallet, token uuids, de-duplication. */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import * as repo from '../src/storage/repo';
import { removeTestDirs, seedPlace, startTestHub } from './admin-support';

afterAll(() => removeTestDirs());

describe.each(DIALECTS)('compat storage on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('keeps keys, place settings, wallet keys, tokens and dedup keys', async () => {
    const hub = await startTestHub(await database());
    try {
      const { place, asset } = await seedPlace(hub, 'Compat Bar');
      const storage = hub.context.storage;
      const at = '2026-07-14T20:00:00.000Z';
      await storage.transaction(async (tx) => {
        await repo.insertCompatApiKey(tx, { prefix: 'AbCd1234', hashedKey: 'sha256$00', name: 'temp_x', kind: 'temp', placeId: place.id, createdAt: at });
        await repo.upsertCompatPlace(tx, { placeId: place.id, lespassDomain: 'lespass.example' });
        await repo.upsertCompatPlace(tx, { placeId: place.id, lespassDomain: 'lespass.example', cashlessRsaPubKey: 'PEM' });
        expect(await repo.insertWalletKey(tx, place.wallet, 'PEM-1', at)).toBe(true);
        expect(await repo.insertWalletKey(tx, place.wallet, 'PEM-2', at)).toBe(false);
        await repo.insertCompatTokens(tx, [{ uuid: '11111111-1111-4111-8111-111111111111', walletId: place.wallet, assetId: asset.id }]);
        await repo.insertCompatTokens(tx, [{ uuid: '22222222-2222-4222-8222-222222222222', walletId: place.wallet, assetId: asset.id }]);
      });
      const read = storage.read;
      expect(await repo.getCompatApiKey(read, 'AbCd1234')).toMatchObject({ kind: 'temp', placeId: place.id, revokedAt: null });
      expect(await repo.getCompatApiKey(read, 'abcd1234')).toBeUndefined();
      expect(await storage.transaction((tx) => repo.revokeCompatApiKey(tx, 'AbCd1234', at))).toBe(true);
      expect(await storage.transaction((tx) => repo.revokeCompatApiKey(tx, 'AbCd1234', at))).toBe(false);
      expect(await repo.listCompatApiKeys(read, 'temp', place.id)).toEqual([]);
      expect(await repo.getCompatPlace(read, place.id)).toMatchObject({ lespassDomain: 'lespass.example', cashlessRsaPubKey: 'PEM' });
      expect(await repo.getWalletKey(read, place.wallet)).toBe('PEM-1');
      expect((await repo.getCompatTokens(read, [place.wallet])).map((row) => row.uuid)).toEqual(['11111111-1111-4111-8111-111111111111']);
      const [fst] = (await hub.call('GET', '/api/v1/transfers')).json.transfers;
      expect(await storage.transaction((tx) => repo.claimCompatDedupKeys(tx, ['checkout:cs_1', 'invoice:in_1'], fst.id))).toBe(true);
      expect(await storage.transaction((tx) => repo.claimCompatDedupKeys(tx, ['checkout:cs_2', 'invoice:in_1'], fst.id))).toBe(false);
      expect(await repo.isCompatDedupKeyUsed(read, ['checkout:cs_2'])).toBe(false);
      await storage.transaction((tx) => repo.insertCompatTransactions(tx, [{ transferId: fst.id, hash: 'a'.repeat(64), metadata: '"x"', createdAt: at }]));
      expect((await repo.getCompatTransactions(read, [fst.id])).get(fst.id)).toMatchObject({ metadata: '"x"', comment: null });
      expect(await repo.getCompatTransactionByHash(read, 'a'.repeat(64))).toMatchObject({ transferId: fst.id });
    } finally {
      await hub.close();
    }
  }, 120_000);
});
