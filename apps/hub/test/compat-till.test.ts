/**
 * One ledger: a card made and topped up through the compatible API pays at one of
 * our tills over sync, the till's sale shows in LaBoutik's next read, LaBoutik's
 * sale reaches the till as a card update, and `fedow verify` passes.
 */
import { fromHex, hashBody, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { genesisBody, type HubMessage } from '@fedow/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { removeTestDirs } from './admin-support';
import { bootstrapVenue, startCompatHub, type CompatHub } from './compat-support';
import type { SeededTill } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

afterAll(() => removeTestDirs());

const TLF = '0190a0b0-0000-7000-8000-0000000a1001';
const CASHIER = 'CA5E0001';
const CUSTOMER = 'C05E0001';

/** A till of `place`, as pairing would have registered it. */
async function tillOf(compat: CompatHub, place: string): Promise<SeededTill> {
  const { storage, newId, key } = compat.hub.context;
  const secretKey = fromHex('5a'.repeat(32));
  const publicKey = publicKeyHex(nodeCrypto, secretKey);
  const id = newId();
  const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, place, key.publicKey));
  await storage.transaction((tx) => repo.insertTerminal(tx, { id, placeId: place, name: 'Caisse 1', publicKey, genesis, lastHash: genesis, createdAt: new Date().toISOString() }));
  return { id, secretKey, publicKey, genesis, place };
}

function tokenValue(card: { wallet: { tokens: { asset_uuid: string; value: number }[] } }): number | undefined {
  return card.wallet.tokens.find((token) => token.asset_uuid === TLF)?.value;
}

describe('one ledger for the API and the tills', () => {
  it('sells at a till a card LaBoutik made and topped up, and the reverse', async () => {
    const compat = await startCompatHub();
    try {
      const { laboutik, place } = await bootstrapVenue(compat, 'Festival');
      expect((await laboutik.post('/asset/', { uuid: TLF, name: 'Jeton', currency_code: 'JET', category: 'TLF' })).status).toBe(201);
      const batch = [CASHIER, CUSTOMER].map((tag, index) => ({ uuid: `0190a0b0-0000-7000-8000-0000000c100${index}`, first_tag_id: tag, qrcode_uuid: `0190a0b0-0000-7000-8000-0000000d100${index}`, number_printed: tag, generation: 1, is_primary: index === 0 }));
      expect((await laboutik.post('/card/', batch)).status).toBe(201);
      const wallet = (await laboutik.get(`/card/${CUSTOMER}/`)).json.wallet.uuid;
      const cards = { user_card_firstTagId: CUSTOMER, primary_card_fisrtTagId: CASHIER };
      expect((await laboutik.post('/transaction/', { amount: 2000, sender: place.wallet, receiver: wallet, asset: TLF, ...cards })).status).toBe(201);

      const till = new SpecTill(await tillOf(compat, place.uuid), `${compat.base.replace('http', 'ws')}/sync`);
      await till.connect();
      const full = (await till.next((message) => message.type === 'update' && message.cards.some((card) => card.card === CUSTOMER))) as Extract<HubMessage, { type: 'update' }>;
      expect(full.cards.find((card) => card.card === CUSTOMER)?.balances[TLF]).toBe(2000);
      const ack = await till.push([till.entry('SAL', { card: CUSTOMER, primary: CASHIER, asset: TLF, amount: 300 })]);
      expect(ack.results.map((result) => result.status)).toEqual(['applied']);
      expect(tokenValue((await laboutik.get(`/card/${CUSTOMER}/`)).json)).toBe(1700);

      const sale = await laboutik.post('/transaction/', { amount: 200, sender: wallet, receiver: place.wallet, asset: TLF, comment: null, metadata: '{"data": "x"}', ...cards });
      expect(sale.status, sale.text).toBe(201);
      const update = (await till.next((message) => message.type === 'update' && message.cards.some((card) => card.card === CUSTOMER && card.balances[TLF] === 1500), 20_000)) as Extract<HubMessage, { type: 'update' }>;
      expect(update.cards.find((card) => card.card === CUSTOMER)?.balances[TLF]).toBe(1500);
      till.close();
      expect((await verifyChain(compat.hub.context)).firstDiscrepancy).toBeNull();
    } finally {
      await compat.hub.close();
    }
  }, 120_000);
});
