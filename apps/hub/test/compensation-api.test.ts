/**
 * Compensation at the edges: the admin API, the CLI, the statements (HTML, CSV),
 * the federation's SEPA file and the schedule. The ledger side is proved on both
 * dialects in compensation.test.ts; these run on SQLite.
 */
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { compensateDue, lastClosedPeriod, monthPeriod } from '../src/money/compensation-schedule';
import { federationWorld, type FederationWorld } from './support/federation-world';
import { cliHome } from './support/cli-run';

const TIMEOUT_MS = 120_000;
const FEDERATION_ACCOUNT = { name: 'Réseau des lieux', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPPXXX' };
const P4_IBAN = 'DE89370400440532013000';
const P2_IBAN = 'FR1420041010050500013M02606';
const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' });

let world: FederationWorld;
afterEach(async () => {
  await world?.close();
});

async function call(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await world.hub.app.inject({
    method,
    url,
    payload: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${world.hub.identity.operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
  return { status: response.statusCode, body: response.body, type: String(response.headers['content-type']), json: () => response.json() };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** P2 and P3 sell P1's currency, P4 and P2 sell FED, P1 sells P2's: every kind of party. */
async function spending(): Promise<{ from: string; to: string }> {
  const from = new Date().toISOString();
  await pause();
  const [p1, p2, p3, p4] = world.places as [FederationWorld['places'][number], FederationWorld['places'][number], FederationWorld['places'][number], FederationWorld['places'][number]];
  const [c0, c1, c2] = world.cards as [string, string, string];
  await world.fund(c0, p1.currency, 5000);
  await world.fund(c1, p2.currency, 3000);
  await world.fund(c2, world.fed, 4000);
  await world.spend(p2, c0, p1.currency, 1200);
  await world.spend(p3, c0, p1.currency, 800);
  await world.spend(p1, c1, p2.currency, 500);
  await world.spend(p4, c2, world.fed, 2500);
  await world.spend(p2, c2, world.fed, 1000);
  const to = new Date().toISOString();
  await pause();
  return { from, to };
}

describe('compensation through the admin API', () => {
  it(
    'books a period once, answers its run, a statement per place in HTML and CSV, and the federation’s SEPA file',
    async () => {
      world = await federationWorld({ count: 4, cards: 3, config: { sepa: FEDERATION_ACCOUNT } });
      const [p1, p2, , p4] = world.places as [FederationWorld['places'][number], FederationWorld['places'][number], FederationWorld['places'][number], FederationWorld['places'][number]];
      const period = await spending();
      expect((await call('POST', '/api/v1/compensations', { federation: world.federation, from: period.to, to: period.from })).status).toBe(400);
      expect((await call('POST', '/api/v1/compensations', { federation: world.federation, from: period.from })).status).toBe(400);
      const first = await call('POST', '/api/v1/compensations', { federation: world.federation, ...period });
      expect(first.status).toBe(201);
      const request = first.json().request as string;
      const again = await call('POST', '/api/v1/compensations', { federation: world.federation, ...period });
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({ request, replayed: true });

      const run = (await call('GET', `/api/v1/compensations/${request}`)).json();
      expect(run.claims).toHaveLength(5);
      // P1: +500 −2000; P2: +1200 +1000 −500; P3: +800; P4: +2500; the federation −3500.
      expect(run.payments.length).toBeLessThanOrEqual(4);
      expect((await call('GET', `/api/v1/compensations?federation=${world.federation}`)).json().runs.map((r: { request: string }) => r.request)).toEqual([request]);

      const html = await call('GET', `/api/v1/compensations/${request}/statements/${p1.id}`, undefined, { 'accept-language': 'fr-FR,fr;q=0.9' });
      expect(html.type).toMatch(/text\/html/);
      expect(html.body).toContain('Relevé de compensation');
      expect(html.body).toContain('Lieu 1');
      expect(html.body).toMatch(/Position nette<\/td><td>EUR<\/td><td class="amount">-15,00</);
      const english = await call('GET', `/api/v1/compensations/${request}/statements/${p1.id}?lang=en`);
      expect(english.body).toContain('Compensation statement');

      const csv = await call('GET', `/api/v1/compensations/${request}/statements/${p2.id}?format=csv`);
      expect(csv.type).toMatch(/text\/csv/);
      const lines = csv.body.trim().split('\r\n').map((line) => line.split(','));
      expect(lines[0]).toEqual(['federation', 'from', 'to', 'party', 'line', 'counterparty', 'asset', 'amount']);
      const byKind = (kind: string) => lines.filter((line) => line[4] === kind).map((line) => Number(line[7]));
      expect(byKind('claim_held').sort()).toEqual([10, 12]);
      expect(byKind('claim_owed')).toEqual([-5]);
      expect(byKind('net')).toEqual([17]);
      // What P2 receives less what it pays is its net position.
      expect(byKind('payment_in').reduce((a, b) => a + b, 0) + byKind('payment_out').reduce((a, b) => a + b, 0)).toBeCloseTo(17, 6);
      expect((await call('GET', `/api/v1/compensations/${request}/statements/${world.hub.context.newId()}`)).status).toBe(404);
      const cli = cliHome(world.dir);
      try {
        expect((await cli.run('compensate', '--statement', request, '--place', p2.id, '--csv')).stdout).toBe(csv.body);
      } finally {
        cli.close();
      }

      const missing = await call('POST', `/api/v1/compensations/${request}/sepa`, { accounts: { [p4.id]: { iban: P4_IBAN, holder: 'Lieu 4' } } });
      const owedByFederation = (run.payments as { debtor: string; creditor: string; amount: number }[]).filter((payment) => !world.places.some((place) => place.wallet === payment.debtor));
      const creditors = new Set(owedByFederation.map((payment) => payment.creditor));
      // The federation owes P4 and P2 (2,500 and 1,000): one account missing refuses the file.
      expect(creditors).toEqual(new Set([p4.wallet, p2.wallet]));
      expect(missing).toMatchObject({ status: 400 });
      const accounts = Object.fromEntries(
        world.places.filter((place) => creditors.has(place.wallet)).map((place) => [place.id, { iban: place === p4 ? P4_IBAN : P2_IBAN, holder: `Lieu ${world.places.indexOf(place) + 1}` }]),
      );
      const file = await call('POST', `/api/v1/compensations/${request}/sepa`, { accounts });
      expect(file.status).toBe(200);
      expect(file.type).toMatch(/application\/xml/);
      const credits = xml.parse(file.body).Document.CstmrCdtTrfInitn.PmtInf.CdtTrfTxInf as { Amt: { InstdAmt: { '#text': string } } }[];
      expect(credits.map((credit) => Number(credit.Amt.InstdAmt['#text']) * 100).sort()).toEqual(owedByFederation.map((payment) => payment.amount).sort());
      expect(owedByFederation.reduce((sum, payment) => sum + payment.amount, 0)).toBe(3500);
    },
    TIMEOUT_MS,
  );

  it(
    'runs from the command line: a month, a place’s statement, and the schedule’s due runs booked once',
    async () => {
      world = await federationWorld({ count: 2, cards: 3 });
      const cli = cliHome(world.dir);
      try {
        const month = monthPeriod('2026-06');
        expect(month).toEqual({ from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' });
        const booked = await cli.json('compensate', '--federation', world.federation, '--month', '2026-06', '--json');
        expect(booked).toMatchObject({ from: month.from, to: month.to, claims: [], payments: [] });
        const human = await cli.run('compensate', '--federation', world.federation, '--month', '2026-06');
        expect(human.stdout).toContain(`compensation ${booked.request}`);
        expect((await cli.run('compensate', '--federation', world.federation, '--month', '2026-13')).code).not.toBe(0);

        const now = world.hub.context.clock.now();
        const due = await compensateDue(world.hub.context, 'monthly');
        expect(due).toEqual([{ federation: world.federation, outcome: expect.objectContaining({ status: 'applied', replayed: false }), error: null }]);
        expect(await compensateDue(world.hub.context, 'monthly')).toEqual([{ federation: world.federation, outcome: expect.objectContaining({ replayed: true }), error: null }]);
        const last = lastClosedPeriod(now, 'monthly');
        expect(Date.parse(last.to)).toBeLessThanOrEqual(now.getTime());
      } finally {
        cli.close();
      }
    },
    TIMEOUT_MS,
  );
});

describe('the schedule’s periods', () => {
  it('closes months and ISO weeks in UTC', () => {
    expect(lastClosedPeriod(new Date('2026-03-01T00:00:00.000Z'), 'monthly')).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(lastClosedPeriod(new Date('2026-01-15T12:00:00.000Z'), 'monthly')).toEqual({ from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    // 2026-07-15 is a Wednesday: the last closed week is Monday 6 to Monday 13.
    expect(lastClosedPeriod(new Date('2026-07-15T09:00:00.000Z'), 'weekly')).toEqual({ from: '2026-07-06T00:00:00.000Z', to: '2026-07-13T00:00:00.000Z' });
    // On a Monday at midnight, the week that just ended.
    expect(lastClosedPeriod(new Date('2026-07-13T00:00:00.000Z'), 'weekly')).toEqual({ from: '2026-07-06T00:00:00.000Z', to: '2026-07-13T00:00:00.000Z' });
    expect(() => monthPeriod('2026-7')).toThrow(/YYYY-MM/);
  });
});
