import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

describe('/healthz and /metrics', () => {
  let world: Seeded;
  let base: string;

  beforeAll(async () => {
    world = await seedHub();
    base = await world.hub.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await world.close();
  });

  it('reports the process and the database alive', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, hub: world.hub.context.key.publicKey });
  });

  it('counts entries by outcome, the ingest latency and the connected tills', async () => {
    const till = new SpecTill(await world.till(), base.replace('http', 'ws') + '/sync');
    await till.connect();
    await till.push([
      till.entry('REF', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 100 }),
      till.entry('SAL', { card: world.cards[0]!, primary: CASHIER, asset: world.local, amount: 1000 }),
    ]);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('fedow_entries_total{status="applied"} 1');
    expect(text).toContain('fedow_entries_total{status="rejected"} 1');
    expect(text).toMatch(/fedow_ingest_latency_ms_count 1\n/);
    expect(text).toContain('fedow_connected_tills 1');
    expect(text).toContain(`fedow_till_lag_entries{terminal="${till.till.id}"} 0`);
    till.close();
  });
  it('is ready while it serves', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('/metrics behind a token', () => {
  it('answers metrics only to the bearer of METRICS_TOKEN', async () => {
    const world = await seedHub({ config: { metricsToken: 'metrics-secret' } });
    try {
      const denied = await world.hub.app.inject({ method: 'GET', url: '/metrics' });
      expect(denied.statusCode).toBe(401);
      expect(denied.json().error.code).toBe('unauthorized');
      const wrong = await world.hub.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-secre' } });
      expect(wrong.statusCode).toBe(401);
      const allowed = await world.hub.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-secret' } });
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('fedow_connected_tills 0');
    } finally {
      await world.close().catch(() => undefined);
    }
  });
});
