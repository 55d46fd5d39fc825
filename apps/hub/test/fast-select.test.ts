/**
 * The hot reads SQLite answers with its own prepared statements (storage/fast-select.ts)
 * give exactly what drizzle's builder gives on the same connection: the same rows, keys,
 * key order and decoded values (booleans, nulls, numbers). The builder is reached by
 * handing the repository the same handle without its SQLite connection.
 */
import { is, Table } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/storage/fast-select';
import * as repo from '../src/storage/repo';
import type { Tx } from '../src/storage/types';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, startCompatHub } from './compat-support';

afterAll(() => removeTestDirs());

const TLF = '0190a0b0-0000-7000-8000-00000000f001';
const SUB = '0190a0b0-0000-7000-8000-00000000f002';
const TAGS = ['F5A00001', 'F5A00002', 'F5A00003'];
const TILL = '0190a0b0-0000-7000-8000-0000000c0001';
const ENTRIES = ['0190a0b0-0000-7000-8000-0000000e0001', '0190a0b0-0000-7000-8000-0000000e0002'] as const;

/** Same values and same key order: an answer serialises a row's keys in order. */
function same(fast: unknown, built: unknown): void {
  expect(fast).toEqual(built);
  expect(JSON.stringify(fast, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value))).toBe(
    JSON.stringify(built, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value)),
  );
}

describe('fast SQLite reads', () => {
  it('answer as drizzle does, for every table and every hot read', async () => {
    const compat = await startCompatHub();
    try {
      const { laboutik, place } = await bootstrapVenue(compat, 'Le Bar Rapide');
      for (const [uuid, name, category] of [[TLF, 'Jeton', 'TLF'], [SUB, 'Adhésion', 'SUB']] as const) {
        expect((await laboutik.post('/asset/', { uuid, name, currency_code: category, category })).status).toBe(201);
      }
      const batch = TAGS.map((tag, index) => ({ first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-0000000fa00${index}`, number_printed: tag, generation: 1, is_primary: index === 0 }));
      expect((await laboutik.post('/card/', batch)).status).toBe(201);
      const wallet: string = (await laboutik.get(`/card/${TAGS[1]}/`)).json.wallet.uuid;
      const cards = { user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] };
      expect((await laboutik.post('/transaction/', { amount: 900, sender: place.wallet, receiver: wallet, asset: TLF, ...cards })).status).toBe(201);
      expect((await laboutik.post('/transaction/', { amount: 300, sender: wallet, receiver: place.wallet, asset: TLF, comment: 'x', metadata: '{"a": 1}', ...cards })).status).toBe(201);
      expect((await laboutik.post('/transaction/', { amount: 1000, sender: place.wallet, receiver: wallet, asset: SUB, ...cards })).status).toBe(201);
      const storage = compat.hub.context.storage;
      // A place that enrolls unknown cards and an archived asset: booleans both ways.
      await storage.transaction(async (tx) => {
        await repo.updatePlace(tx, place.uuid, { enrollUnknownCards: true });
        await repo.setAssetArchived(tx, SUB, true);
      });
      // A till and two entries of its chain, for the ingest's reads.
      const at = '2026-12-01T00:00:00.000Z';
      await storage.transaction(async (tx) => {
        await repo.insertTerminal(tx, { id: TILL, placeId: place.uuid, name: 'Caisse', publicKey: 'aa'.repeat(32), genesis: 'bb'.repeat(32), lastHash: 'bb'.repeat(32), createdAt: at });
        const entry = (seq: number, id: string) => ({ id, terminalId: TILL, seq, prev: 'cc'.repeat(32), hash: `${seq}`.repeat(64).slice(0, 64), sig: 'dd'.repeat(64), body: '{}', receivedAt: at, status: 'applied' as const });
        await repo.insertEntries(tx, [entry(1, ENTRIES[0]), { ...entry(2, ENTRIES[1]), status: 'rejected', reason: 'duplicate_id' }]);
      });

      const fast = storage.read;
      if (!fast.sqlite) throw new Error('expected SQLite');
      const built: Tx = { ...fast, sqlite: null };

      for (const table of Object.values(fast.t)) {
        if (!is(table, Table)) continue;
        same(selectRows(fast.sqlite, table, '', []), await fast.db.select().from(table));
      }

      const places = await repo.listPlaces(fast);
      const assets = await repo.listAssets(fast);
      const allCards = await repo.getCards(fast, (await fast.db.select().from(fast.t.cards)).map((card) => card.id));
      const walletIds = (await fast.db.select().from(fast.t.wallets)).map((row) => row.id);
      const transfers = await fast.db.select().from(fast.t.transfers);
      const [request] = await fast.db.select().from(fast.t.requests);
      const keys = await fast.db.select().from(fast.t.compatApiKeys);
      const key = keys.find((row) => row.placeId === place.uuid && row.kind !== 'temp');
      const root = keys.find((row) => row.kind === 'root');
      expect(places.length).toBeGreaterThan(0);
      expect(assets.some((asset) => asset.archived)).toBe(true);
      expect(places.some((row) => row.enrollUnknownCards)).toBe(true);
      expect(allCards.size).toBe(TAGS.length);
      expect(request).toBeDefined();
      expect(key).toBeDefined();
      expect(root?.placeId).toBeNull();
      // The place's key comes with its place and its LaBoutik settings; the root key with neither.
      expect(await repo.getCompatApiKeyWithPlace(fast, key!.prefix)).toMatchObject({ place: { id: place.uuid }, compatPlace: { placeId: place.uuid } });
      expect(await repo.getCompatApiKeyWithPlace(fast, root!.prefix)).toMatchObject({ place: null, compatPlace: null });

      const reads: [string, (tx: Tx) => Promise<unknown>][] = [
        ['listPlaces', (tx) => repo.listPlaces(tx)],
        ['getPlace', (tx) => repo.getPlace(tx, place.uuid)],
        ['getPlace (unknown)', (tx) => repo.getPlace(tx, 'nope')],
        ['listAssets', (tx) => repo.listAssets(tx)],
        ['getAssets', (tx) => repo.getAssets(tx, [TLF, SUB, TLF, 'nope'])],
        ['getWallets', (tx) => repo.getWallets(tx, walletIds)],
        ['getPrimaryWallet', (tx) => repo.getPrimaryWallet(tx)],
        ['getUsers', (tx) => fast.db.select().from(fast.t.users).then((users) => repo.getUsers(tx, users.map((user) => user.id)))],
        ['getUserByWallet', (tx) => repo.getUserByWallet(tx, walletIds.find((id) => id !== place.wallet)!)],
        ['getRequestByKey', (tx) => repo.getRequestByKey(tx, request!.source, request!.actor, request!.idempotencyKey)],
        ['federatedAssetIdsOfPlace', (tx) => repo.federatedAssetIdsOfPlace(tx, place.uuid)],
        ['loadWalletBalances', (tx) => repo.loadWalletBalances(tx, walletIds)],
        ['loadMemberships', (tx) => repo.loadMemberships(tx, walletIds)],
        ['listMeltPolicies', (tx) => repo.listMeltPolicies(tx)],
        ['listCardChangesAfter', (tx) => repo.listCardChangesAfter(tx, 0, 100)],
        ['getCompatApiKey', (tx) => repo.getCompatApiKey(tx, key!.prefix)],
        ['getCompatPlace', (tx) => repo.getCompatPlace(tx, place.uuid)],
        ['getCompatApiKeyWithPlace', (tx) => repo.getCompatApiKeyWithPlace(tx, key!.prefix)],
        ['getCompatApiKeyWithPlace (root, no place)', (tx) => repo.getCompatApiKeyWithPlace(tx, root!.prefix)],
        ['getCompatApiKeyWithPlace (unknown)', (tx) => repo.getCompatApiKeyWithPlace(tx, 'zzzzzzzz')],
        ['getCompatTokens', (tx) => repo.getCompatTokens(tx, walletIds)],
        ['getCompatTransactions', (tx) => repo.getCompatTransactions(tx, transfers.map((transfer) => transfer.id))],
        ['getCompatAliases', (tx) => repo.getCompatAliases(tx, [TLF, place.wallet])],
        ['listCompatAliases', (tx) => repo.listCompatAliases(tx)],
        ['getCardBatches', (tx) => repo.getCardBatches(tx, [...allCards.values()].flatMap((card) => (card.batchId ? [card.batchId] : [])))],
        ['getTransfersById', (tx) => repo.getTransfersById(tx, transfers.map((transfer) => transfer.id).reverse())],
        ['loadCardsByTag', (tx) => repo.loadCardsByTag(tx, [...TAGS, 'FFFFFFFF'])],
        ['getCards', (tx) => repo.getCards(tx, [...allCards.keys()])],
        ['findCard (tag)', (tx) => repo.findCard(tx, { firstTagId: TAGS[1] })],
        ['findCard (any)', (tx) => repo.findCard(tx, { uid: 'nope', firstTagId: TAGS[2], numberPrinted: TAGS[1], qrcode: 'nope' })],
        ['cardsOfWallets', (tx) => repo.cardsOfWallets(tx, walletIds)],
        ['loadPrimaryPlaces', (tx) => repo.loadPrimaryPlaces(tx, [...allCards.keys()])],
        ['getTerminal', (tx) => repo.getTerminal(tx, TILL)],
        ['getTerminal (unknown)', (tx) => repo.getTerminal(tx, 'nope')],
        ['getEntryHolders', (tx) => repo.getEntryHolders(tx, [...ENTRIES, ENTRIES[0], 'nope'])],
        ['getEntriesBySeq', (tx) => repo.getEntriesBySeq(tx, TILL, [2, 1, 2, 3])],
      ];
      for (const [name, read] of reads) {
        const answer = await read(fast);
        expect({ name, answer }).toEqual({ name, answer: await read(built) });
        same(answer, await read(built));
      }
      // The reads that found rows really found them (an empty answer on both sides proves little).
      expect((await repo.loadWalletBalances(fast, walletIds)).length).toBeGreaterThan(2);
      expect((await repo.loadMemberships(fast, walletIds)).length).toBe(1);
      expect((await repo.cardsOfWallets(fast, [wallet])).get(wallet)?.map((card) => card.firstTagId)).toEqual([TAGS[1]]);
      expect((await repo.loadPrimaryPlaces(fast, [...allCards.keys()])).size).toBe(1);
      expect((await repo.getTerminal(fast, TILL))?.lastHash).toBe('bb'.repeat(32));
      expect((await repo.getEntryHolders(fast, ENTRIES)).size).toBe(2);
      expect((await repo.getEntriesBySeq(fast, TILL, [2, 1])).map((entry) => [entry.seq, entry.reason])).toEqual([[1, null], [2, 'duplicate_id']]);
      expect((await repo.getCompatTransactions(fast, transfers.map((transfer) => transfer.id))).size).toBeGreaterThan(2);
      expect((await repo.findCard(fast, { uid: 'nope', firstTagId: TAGS[2], numberPrinted: TAGS[1], qrcode: 'nope' }))?.firstTagId).toBe(TAGS[2]);
    } finally {
      await compat.hub.close();
    }
  }, 120_000);
});
