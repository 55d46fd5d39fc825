/** `fedow backup` while the hub serves, `fedow restore`, and tills that carry on without a fork (issue 15, point 6). */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireEntry } from '@fedow/protocol';
import { buildHub } from '../src/app';
import { configFromEnv } from '../src/config';
import { verifyChain } from '../src/verify/verify-chain';
import { cliHome, type CliHome } from './support/cli-run';
import { CASHIER, seedHub, type Seeded } from '../../../support/seed';
import { SpecTill } from '../../../support/spec-till';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(hub: { app: { listen(o: object): Promise<string> } }): Promise<string> {
  return (await hub.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws') + '/sync';
}

describe('backup and restore', () => {
  it('backs up a serving hub with its key, restores it elsewhere, and the till resends what came after without a fork', async () => {
    const world: Seeded = await seedHub();
    cleanup.push(() => world.close());
    const till = new SpecTill(await world.till(), await listen(world.hub));
    await till.connect();
    const card = world.cards[0]!;
    const before = [till.entry('REF', { card, primary: CASHIER, asset: world.local, amount: 1000 }), till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 100 })];
    expect((await till.push(before)).lastSeq).toBe(2);

    const out = mkdtempSync(join(tmpdir(), 'fedow-backup-'));
    cleanup.push(() => rmSync(out, { recursive: true, force: true }));
    const file = join(out, 'hub.backup');
    const source: CliHome = cliHome(world.dir);
    const taken = await source.run('backup', file, '--json');
    expect(taken.code, taken.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await source.run('backup', file)).code).toBe(1);

    // The hub goes on after the backup: these entries are not in it.
    const after: WireEntry[] = [till.entry('SAL', { card, primary: CASHIER, asset: world.local, amount: 250 })];
    expect((await till.push(after)).results[0]?.status).toBe('applied');
    till.close();

    const target = cliHome();
    cleanup.push(() => target.close());
    const restored = await target.run('restore', file, '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(existsSync(join(target.dir, 'hub.key'))).toBe(true);
    expect((await target.run('restore', file)).code).toBe(1);
    expect((await target.run('verify')).code).toBe(0);

    const hub = await buildHub(configFromEnv({ FEDOW_DATA_DIR: target.dir }, { log: false }));
    cleanup.push(() => hub.close());
    expect(hub.context.key.publicKey).toBe(world.hub.context.key.publicKey);
    const again = new SpecTill(till.till, await listen(hub));
    const welcome = await again.connect();
    expect(welcome).toMatchObject({ type: 'welcome', lastSeq: 2, lastHash: before[1]!.hash });
    const resent = await again.push(after);
    expect(resent.results.map((result) => result.status)).toEqual(['applied']);
    again.close();
    expect((await verifyChain(hub.context)).firstDiscrepancy).toBeNull();
  });

  it('refuses what is not a backup, and a missing file, and never writes a database for them', async () => {
    const home = cliHome();
    cleanup.push(() => home.close());
    expect((await home.run('restore', join(home.dir, 'missing'))).code).toBe(1);
    expect((await home.run('backup')).code).toBe(2);
    const other = join(home.dir, 'other.sqlite');
    new Database(other).exec('CREATE TABLE t (x)');
    const refused = await home.run('restore', other);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not a fedow backup');
    expect(existsSync(join(home.dir, 'fedow.sqlite'))).toBe(false);
    expect((await home.run('backup', join(home.dir, 'b'))).stderr).toContain('no hub database');
  });
});
