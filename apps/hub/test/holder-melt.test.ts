import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub, type TestHub } from './admin-support';

/**
 * The card holder's page shows the balance every other screen shows (issue 14.1):
 * the melted one, and what melts next and when.
 */
const DAY = 86_400_000;

afterAll(removeTestDirs);

describe('the card holder page of a melting currency', () => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('shows the melted balance and the next melt, as the card view does', async () => {
    hub = await startTestHub();
    const { place, asset } = await seedPlace(hub);
    expect((await hub.call('POST', `/api/v1/cards/import?place=${place.id}&generation=1`, factoryCsv(1, 0x0a000001), { 'content-type': 'text/csv' })).status).toBe(201);
    const qrcode = '0190a0b0-0000-7000-8000-00000a000001';
    expect((await hub.call('POST', '/api/v1/topups', { card: '0A000001', asset: asset.id, amount: 10_000 }, { 'idempotency-key': 'melt-page' })).status).toBe(201);
    expect((await hub.call('PUT', `/api/v1/assets/${asset.id}/melt`, { rule: { rule: 'rate', basisPoints: 200, afterDays: 30 } })).status).toBe(200);

    hub.clock.advance(75 * DAY);
    const page = await hub.app.inject({ method: 'GET', url: `/qr/api/cards/${qrcode}` });
    expect(page.statusCode).toBe(200);
    const card = (await hub.call('GET', '/api/v1/cards/0A000001')).json;
    // 2 % a month after 30 days of rest: 45 days melted at 75, one 30-day step (DECISIONS.md, a month is 30 days).
    expect(card.balances[asset.id]).toBeLessThan(10_000);
    expect(page.json().balances[asset.id]).toBe(card.balances[asset.id]);
    expect(page.json().melting[asset.id]).toEqual(card.melting[asset.id]);
    expect(page.json().melting[asset.id].next).toMatchObject({ amount: expect.any(Number) });
    expect(page.json().timeSpent).toEqual([]);
  });
});
