/**
 * `fedow users …` and `fedow cards --link / --replace` as an operator runs them, on a temp SQLite database:
 * through the CLI's entry function in this process, and a real child process for one command of each kind and the exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHubContext } from '../src/app';
import { configFromEnv } from '../src/config';
import { topUp } from '../src/money/topup';
import { factoryCsv } from './admin-support';
import { cliInProcess, cliProcess } from './support/cli-process';

let dir = '';
let env: NodeJS.ProcessEnv;
const { fedow, json } = cliInProcess(() => ({ cwd: dir, env }));
const real = cliProcess(() => ({ cwd: dir, env }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedow-cli-users-'));
  env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'data', 'fedow.sqlite')}`, HUB_KEY: '', HUB_KEY_FILE: '', LOG_LEVEL: 'error' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));



/** Money enters through the admin API or a till in real life; here, the same service on the same database. */
async function fund(card: string, asset: string, amount: number, reference?: string): Promise<void> {
  const { context, close } = await openHubContext(configFromEnv(env, { log: false }));
  try {
    const outcome = await topUp(context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: `fund:${card}:${asset}`, card, asset, amount, reference });
    expect(outcome.status).toBe('applied');
  } finally {
    await close();
  }
}

// Generous: at a load near 28 on 2 cores, 22 commands did not fit in 60 s.
describe('fedow users and card links', { timeout: 180_000 }, () => {
  it('creates, lists and shows users; links a card with two balances; carries a lost card to its replacement', async () => {
    const place = await json('places', '--create', '--name', 'Bar du Port', '--email', 'admin@port.org');
    const asset = await json('assets', '--create', '--name', 'Jeton', '--currency_code', 'JET', '--category', 'TLF', '--place_origin', place.id);
    const fed = (await json('assets', '--list')).assets.find((a: { category: string }) => a.category === 'FED');
    const file = join(dir, 'batch.csv');
    writeFileSync(file, factoryCsv(6));
    expect((await fedow('cards', '--import', file, '--place', place.id)).code).toBe(0);

    const created = await json('users', '--create', '--email', 'Alice@Example.org');
    expect(created).toMatchObject({ email: 'alice@example.org', created: true });
    expect(await json('users', '--create', '--email', 'alice@example.org')).toMatchObject({ id: created.id, created: false });
    expect((await json('users', '--list')).users.map((u: { email: string }) => u.email)).toEqual(['admin@port.org', 'alice@example.org']);
    expect((await json('users', '--list', '--search', 'ALI')).users).toHaveLength(1);

    await fund('0A000001', asset.id, 1_250);
    await fund('0A000001', fed.id, 2_000, 'VIR-1');
    const linked = await json('cards', '--link', '0A000001', '--email', 'alice@example.org');
    expect(linked).toMatchObject({ status: 'applied', user: { email: 'alice@example.org' }, card: { card: { userEmail: 'alice@example.org' } } });
    expect(linked.transfers.map((t: { action: string }) => t.action)).toEqual(['FUS', 'FUS']);
    const shown = await json('users', '--show', 'alice@example.org');
    expect(shown.balances).toEqual({ [asset.id]: 1_250, [fed.id]: 2_000 });
    const human = await fedow('users', '--show', 'ALICE@example.org');
    expect(human.stdout).toContain('12.50 JET');
    expect(human.stdout).toContain('20.00 EUR');
    expect(human.stdout).toMatch(/FUS\s+\+12\.50 JET\s+0A000001/);

    // Lost: the replacement, found by its printed number, joins the same user.
    const replaced = await real.fedow('cards', '--replace', '0A000001', '--by', '67772162');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain('card 0A000001 replaced by 0A000002 (user alice@example.org)');
    expect((await json('cards', '--show', '0A000001'))).toMatchObject({ blocked: true, reason: 'lost' });
    expect((await json('cards', '--show', '0A000002')).balances).toEqual({ [asset.id]: 1_250, [fed.id]: 2_000 });

    // An anonymous card to a new card: a FUS per asset.
    await fund('0A000003', asset.id, 400);
    const anonymous = await json('cards', '--replace', '0A000003', '--by', '0A000004');
    expect(anonymous).toMatchObject({ user: null, transfers: [{ action: 'FUS', amount: 400 }] });
    expect(await json('verify')).toMatchObject({ ok: true, firstDiscrepancy: null });
  });

  it('exits 2 on usage mistakes and 1 with one line on refusals', async () => {
    expect((await real.fedow('users', '--create')).code).toBe(2);
    expect((await fedow('users', '--create', '--list')).code).toBe(2);
    expect((await fedow('cards', '--link', '0A000005')).code).toBe(2);
    expect((await fedow('cards', '--replace', '0A000005')).code).toBe(2);
    expect((await fedow('users', '--show', 'bob@example.org', '--limit', 'ten')).code).toBe(2);
    expect(await fedow('users', '--create', '--email', 'not-an-email')).toMatchObject({ code: 1, stdout: '' });
    expect(await real.fedow('users', '--show', 'nobody@example.org')).toMatchObject({ code: 1, stderr: 'fedow: unknown user nobody@example.org (not_found)\n' });
    expect(await fedow('cards', '--link', 'FFFFFFFF', '--email', 'bob@example.org')).toMatchObject({ code: 1, stderr: 'fedow: unknown card FFFFFFFF (unknown_card)\n' });
    const twice = await fedow('cards', '--link', '0A000002', '--email', 'bob@example.org');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('(card_has_user)');
    expect((await fedow('users', '--show', 'bob@example.org')).code).toBe(1);
  });
});
