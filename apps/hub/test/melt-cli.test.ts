/** `fedow melt`: set, show, preview, report, sweep and stop an asset's melting; refusals with their exit codes. */
import { afterEach, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from './support/cli-run';

let home: CliHome | undefined;
afterEach(() => home?.close());

describe('fedow melt', () => {
  it('sets a rule, shows it, previews another, reports, sweeps and stops', async () => {
    home = cliHome();
    const place = await home.json('places', '--create', '--name', 'Bar', '--email', 'bar@example.org');
    const asset = await home.json('assets', '--create', '--name', 'Jeton', '--currency_code', 'JET', '--category', 'TLF', '--place_origin', place.id);
    expect((await home.run('melt', '--show', '--asset', asset.id)).stdout).toBe('does not melt\n');

    const set = await home.json('melt', '--set', '--asset', asset.id, '--rate', '200', '--after-days', '30', '--json');
    expect(set).toMatchObject({ asset: asset.id, rule: { rule: 'rate', basisPoints: 200, afterDays: 30 } });
    expect((await home.run('melt', '--show', '--asset', asset.id)).stdout).toMatch(/^2\.00 % a month once 30 days inactive since \S+ \(melt wallet [0-9a-f-]{36}\)\n$/);
    const shown = await home.json('melt', '--show', '--asset', asset.id, '--json');
    expect(shown.history).toHaveLength(1);

    const preview = await home.json('melt', '--preview', '--asset', asset.id, '--expiry-months', '6', '--json');
    expect(preview).toMatchObject({ rule: { rule: 'expiry', afterMonths: 6 }, taken: 0, balances: 0 });
    const report = await home.json('melt', '--report', '--asset', asset.id, '--json');
    expect(report.revenue).toEqual([]);
    expect(report.survival).toHaveLength(13);
    expect(await home.json('melt', '--sweep', '--json')).toEqual({ requests: 0, melts: 0, melted: 0 });

    const off = await home.json('melt', '--off', '--asset', asset.id, '--json');
    expect(off).toMatchObject({ rule: null, wallet: set.wallet });
    expect((await home.run('melt', '--show', '--asset', asset.id)).stdout).toBe('does not melt\n');
  }, 120_000);

  it('refuses FED, a missing rule and a rule out of range', async () => {
    home = cliHome();
    await home.json('places', '--create', '--name', 'Bar', '--email', 'bar@example.org');
    const fed = (await home.json('assets', '--list')).assets.find((one: { category: string }) => one.category === 'FED');
    const refused = await home.run('melt', '--set', '--asset', fed.id, '--expiry-months', '6');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only local and time currencies melt');
    const noRule = await home.run('melt', '--set', '--asset', fed.id);
    expect(noRule).toMatchObject({ code: 2 });
    expect(noRule.stderr).toContain('name a rule');
    // A value out of range is refused like every bad value of the CLI (exit 1, the field named).
    const tooMuch = await home.run('melt', '--set', '--asset', fed.id, '--rate', '10001', '--after-days', '30');
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toContain('basisPoints');
  }, 120_000);
});
