/**
 * `fedow payouts` and `fedow deposit` as an operator runs them, on a temp SQLite database: through the
 * CLI's entry function in this process, and a real child process for one command of each kind and the exit codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideCorrection } from '@fedow/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubContext } from '../src/app';
import { configFromEnv } from '../src/config';
import { submitRequest } from '../src/money/submit';
import { topUp } from '../src/money/topup';
import * as repo from '../src/storage/repo';
import { verifyChain } from '../src/verify/verify-chain';
import { factoryCsv } from './admin-support';
import { cliInProcess, cliProcess } from './support/cli-process';

let dir = '';
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: dir, env }));
const real = cliProcess(() => ({ cwd: dir, env }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-cli-payouts-'));
  env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'data', 'fedow.sqlite')}`,
    HUB_KEY: '',
    HUB_KEY_FILE: '',
    LOG_LEVEL: 'error',
    FEDOW_SEPA_NAME: 'Fédération',
    FEDOW_SEPA_IBAN: 'FR7630006000011234567890189',
    FEDOW_SEPA_BIC: 'AGRIFRPP',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));



/** FED for a card (a top-up) and for the place (a correction), through the one path, in this process. */
async function seed(place: { id: string; wallet: string }): Promise<void> {
  const { context, close } = await openHubContext(configFromEnv(env, { log: false }));
  try {
    const fed = (await repo.listAssets(context.storage.read)).find((asset) => asset.category === 'FED')!;
    const source = { kind: 'operator' as const, name: 'test' };
    expect((await topUp(context, { source, idempotencyKey: 'fund', asset: fed.id, amount: 2_000, card: '0A000001', reference: 'VIR-1' })).status).toBe('applied');
    const outcome = await submitRequest(context, {
      source,
      idempotencyKey: 'earned',
      kind: 'correction',
      body: { place: place.id },
      needs: { place: place.id, wallets: [place.wallet] },
      decide: (state, decision, request) => decideCorrection(state, { sender: state.primaryWallet, receiver: place.wallet, asset: fed.id, amount: 1_000, reason: 'sales', request }, decision),
    });
    expect(outcome.status).toBe('applied');
  } finally {
    await close();
  }
}

async function verified(): Promise<void> {
  const { context, close } = await openHubContext(configFromEnv(env, { log: false }));
  try {
    expect((await verifyChain(context)).firstDiscrepancy).toBeNull();
  } finally {
    await close();
  }
}

// Generous: at a load near 28 on 2 cores, 22 commands did not fit in 60 s.
describe('fedow payouts and deposit', { timeout: 180_000 }, () => {
  it('requests, approves, exports, marks sent once, and deposits under both names', async () => {
    const place = await json('places', '--create', '--name', 'Bar du Port', '--email', 'admin@port.org');
    writeFileSync(join(dir, 'cards.csv'), factoryCsv(2));
    expect((await fedow('cards', '--import', join(dir, 'cards.csv'), '--place', place.id)).code).toBe(0);
    await seed({ id: place.id, wallet: place.wallet });

    const bad = await real.fedow('payouts', '--request', '--card', '0A000001', '--amount', '500', '--iban', 'FR1520041010050500013M02606', '--holder', 'Alice');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/IBAN .* not valid.*\(bad_request\)/);
    const payout = await json('payouts', '--request', '--card', '0A000001', '--amount', '1500', '--iban', 'FR14 2004 1010 0505 0001 3M02 606', '--holder', 'Alice');
    expect(payout).toMatchObject({ status: 'requested', amount: 1500 });
    expect((await json('payouts', '--list', '--status', 'requested')).payouts).toHaveLength(1);
    expect((await fedow('payouts', '--list')).stdout).toContain('15.00 €');

    const batch = await json('payouts', '--approve', payout.id);
    expect(batch).toMatchObject({ total: 1500, approvedBy: 'cli' });
    const out = join(dir, 'batch.xml');
    expect((await fedow('payouts', '--export', batch.id)).code).toBe(2);
    expect(await json('payouts', '--export', batch.id, '--out', out)).toMatchObject({ batch: batch.id, out });
    expect(readFileSync(out, 'utf8')).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.03');
    const sent = await json('payouts', '--sent', batch.id);
    expect(sent).toMatchObject({ status: 'applied', replayed: false, transfers: [{ action: 'RFD', amount: 1500 }] });
    expect(await json('payouts', '--sent', batch.id)).toMatchObject({ request: sent.request, replayed: true });

    const deposit = await json('deposit', '--place', place.id, '--amount', '600', '--comment', 'remise 1');
    expect(deposit.transfers).toMatchObject([{ action: 'BNK', amount: 600 }]);
    const alias = await real.fedow('global_asset_bank_stripe_deposit', '--place', place.id, '--amount', '400');
    expect(alias.code, alias.stderr).toBe(0);
    expect(alias.stdout).toContain('4.00 €');
    const more = await fedow('deposit', '--place', place.id, '--amount', '1');
    expect(more.code).toBe(1);
    expect(more.stderr).toContain('insufficient_funds');
    await verified();
  });

  it('exits 2 on usage mistakes', async () => {
    for (const [index, args] of [
      ['payouts'],
      ['payouts', '--list', '--approve'],
      ['payouts', '--refuse', 'x', 'extra'],
      ['deposit', '--amount', '10'],
      ['deposit', '--place', '01900000-0000-7000-8000-000000000000', '--amount', '1.5'],
      ['global_asset_bank_stripe_deposit', '--bogus'],
    ].entries()) {
      // The first through a real process: the exit code as a shell sees it.
      const run = await (index === 0 ? real.fedow : fedow)(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^fedow: .*\nusage: /);
    }
  });
});
