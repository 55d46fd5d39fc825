/**
 * A LaBoutik movement's answer is built inside its transaction from what its
 * decision holds (shapes.ts, decidedDirectory/decidedFacts; SQLite) instead of
 * read back after the commit: it must be, byte for byte, the answer read back —
 * for a refill, a sale, a membership, a card whose wallet holds a federated
 * asset, and an aliased asset.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { answerJson } from '../src/compat/raw-json';
import { loadDirectory, transactionShapes } from '../src/compat/shapes';
import * as repo from '../src/storage/repo';
import { removeTestDirs, seedPlace } from './admin-support';
import { bootstrapVenue, startCompatHub, type CompatHub } from './compat-support';

afterAll(() => removeTestDirs());

const TLF = '0190a0b0-0000-7000-8000-00000000da01';
const SUB = '0190a0b0-0000-7000-8000-00000000da02';
const TAGS = ['DA000001', 'DA000002'];

/** The answer read back after the commit, as every other route builds it. */
async function readBack(compat: CompatHub, transferId: string, placeId: string): Promise<string> {
  const read = compat.hub.context.storage.read;
  const place = (await repo.getPlace(read, placeId))!;
  // Every transfer of its request, as the route's outcome names them (a refill's CRE, then its REF).
  const [shown] = await repo.getTransfersById(read, [transferId]);
  const transfers = await repo.getTransfersByRequest(read, [shown!.requestId!]);
  const shapes = await transactionShapes(read, await loadDirectory(read), transfers, { withCard: true, viewer: place });
  return answerJson(shapes.at(-1));
}

describe.each(DIALECTS)('a movement answered from its decision on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('answers what reading it back answers, byte for byte', async () => {
    const compat = await startCompatHub(await database());
    try {
      const { laboutik, place } = await bootstrapVenue(compat, 'Le Bar Décidé');
      for (const [uuid, name, category] of [[TLF, 'Jeton', 'TLF'], [SUB, 'Adhésion', 'SUB']] as const) {
        expect((await laboutik.post('/asset/', { uuid, name, currency_code: category, category })).status).toBe(201);
      }
      const batch = TAGS.map((tag, index) => ({ first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-0000000db00${index}`, number_printed: tag, generation: 1, is_primary: index === 0 }));
      expect((await laboutik.post('/card/', batch)).status).toBe(201);
      const wallet: string = (await laboutik.get(`/card/${TAGS[1]}/`)).json.wallet.uuid;
      const cards = { user_card_firstTagId: TAGS[1], primary_card_fisrtTagId: TAGS[0] };

      // A federation gives this place another place's token, which the card holds.
      const other = await seedPlace(compat.hub, 'Autre Lieu');
      const storage = compat.hub.context.storage;
      await storage.transaction(async (tx) => {
        await repo.insertFederation(tx, { id: '0190a0b0-0000-7000-8000-00000000dfed', name: 'Fédé', description: '', createdAt: '2026-07-01T00:00:00.000Z' });
        await repo.addFederationPlaces(tx, '0190a0b0-0000-7000-8000-00000000dfed', [place.uuid, other.place.id]);
        await repo.addFederationAssets(tx, '0190a0b0-0000-7000-8000-00000000dfed', [other.asset.id]);
        // The original's uuid for this place's token: answers show it in place of ours.
        await repo.insertCompatAliases(tx, [{ alias: '0190a0b0-0000-7000-8000-00000000da1a', kind: 'asset', targetId: TLF }]);
      });
      const topUp = await compat.hub.call('POST', '/api/v1/topups', { wallet, asset: other.asset.id, amount: 700 }, { 'idempotency-key': 'decided-other' });
      expect(topUp.status, JSON.stringify(topUp.json)).toBe(201);

      const movements = [
        { amount: 2000, sender: place.wallet, receiver: wallet, asset: TLF, ...cards },
        { amount: 350, sender: wallet, receiver: place.wallet, asset: TLF, comment: 'un café', metadata: '{"data": "é 😀"}', ...cards },
        { amount: 1500, sender: place.wallet, receiver: wallet, asset: SUB, ...cards },
      ];
      for (const body of movements) {
        const answered = await laboutik.post('/transaction/', body);
        expect(answered.status, answered.text).toBe(201);
        expect(answered.text).toBe(await readBack(compat, answered.json.uuid, place.uuid));
      }
      // What the comparison covered: the federated token shown, the alias shown for ours.
      const last = await laboutik.post('/transaction/', movements[1]!);
      expect(last.text).toBe(await readBack(compat, last.json.uuid, place.uuid));
      const tokens = last.json.card.wallet.tokens.map((token: { asset_uuid: string; value: number }) => [token.asset_uuid, token.value]);
      expect(tokens).toEqual(expect.arrayContaining([[other.asset.id, 700], ['0190a0b0-0000-7000-8000-00000000da1a', 1300]]));
      expect(last.json.card.is_primary).toBe(false);
      expect(last.json.metadata).toBe('{"data": "é 😀"}');
    } finally {
      await compat.hub.close();
    }
  }, 120_000);
});
