/**
 * Concurrent LaBoutik sales (issue 13's benchmark load, in small): sales of the
 * same card sent at once are each decided against the balance the ones before
 * it left, on SQLite and PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, startCompatHub } from './compat-support';
import { send } from '../../../support/fedow-client';

afterAll(() => removeTestDirs());

const TLF = '0190a0b0-0000-7000-8000-0000000f0001';
const TAGS = ['CA5H1E0F', 'C0C0C0C1', 'C0C0C0C2'];
const SALES = 8;

describe.each(DIALECTS)('concurrent LaBoutik sales on %s', (dialect) => {
  const database = freshDatabase(dialect);

  it('applies as many sales as the balance allows when they arrive at once, refuses the rest, and the chain verifies', async () => {
    const compat = await startCompatHub(await database());
    try {
      const { laboutik, place } = await bootstrapVenue(compat, 'Concurrence');
      expect((await laboutik.post('/asset/', { uuid: TLF, name: 'Jeton', currency_code: 'JET', category: 'TLF' })).status).toBe(201);
      const batch = TAGS.map((tag, index) => ({ first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-0000000f01${index}0`, number_printed: tag, generation: 1, is_primary: index === 0 }));
      expect((await laboutik.post('/card/', batch)).status).toBe(201);
      const wallets: string[] = [];
      for (const tag of TAGS.slice(1)) {
        const wallet: string = (await laboutik.get(`/card/${tag}/`)).json.wallet.uuid;
        wallets.push(wallet);
        const refill = await laboutik.post('/transaction/', { amount: 500, sender: place.wallet, receiver: wallet, asset: TLF, user_card_firstTagId: tag, primary_card_fisrtTagId: TAGS[0] });
        expect(refill.status, refill.text).toBe(201);
      }
      // Two cards of 500 each, 8 sales of 100 each on each card, all sent at once.
      const prepared = TAGS.slice(1).flatMap((tag, card) =>
        Array.from({ length: SALES }, (_, index) =>
          laboutik.prepare('/transaction/', { amount: 100, sender: wallets[card], receiver: place.wallet, asset: TLF, comment: null, metadata: `{"n": ${index}}`, user_card_firstTagId: tag, primary_card_fisrtTagId: TAGS[0] }),
        ),
      );
      const replies = await Promise.all(prepared.map((request) => send(compat.base, 'POST', request.path, request.headers, request.body)));
      for (const card of [0, 1]) {
        const statuses = replies.slice(card * SALES, (card + 1) * SALES).map((reply) => reply.status);
        expect(statuses.filter((status) => status === 201)).toHaveLength(5);
        expect(statuses.filter((status) => status === 400)).toHaveLength(SALES - 5);
      }
      for (const tag of TAGS.slice(1)) {
        const tokens = (await laboutik.get(`/card/${tag}/`)).json.wallet.tokens as { asset: { uuid: string }; value: number }[];
        expect(tokens.find((token) => token.asset.uuid === TLF)?.value ?? 0).toBe(0);
      }
      expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
    } finally {
      await compat.hub.close();
    }
  });
});
