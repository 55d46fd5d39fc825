/**
 * A hub writes its live tills to `till_presence` every few seconds: the write
 * replaces that hub's rows and no other's, and its SQL is the same whatever the
 * number of tills (SQLite's statement cache keeps each text it meets compiled:
 * a text per count held ~100 MB once 1,000 tills had joined one by one).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStorage, type Storage } from '../src/storage';
import * as repo from '../src/storage/repo';
import { DIALECTS, freshDatabase } from '../../../test/support/dialects';

const AT = '2026-07-14T21:03:07.412Z';
const LATER = '2026-07-14T21:03:12.412Z';
const HASH = 'a'.repeat(64);

/** A place and `count` terminals of it. */
async function terminals(storage: Storage, count: number): Promise<string[]> {
  const wallet = randomUUID();
  const place = randomUUID();
  const ids = Array.from({ length: count }, () => randomUUID());
  await storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [{ id: wallet, kind: 'place', name: 'Bar' }]);
    await repo.insertPlace(tx, { id: place, name: 'Bar', walletId: wallet, offlinePolicy: '{}', createdAt: AT });
    for (const [index, id] of ids.entries()) {
      await repo.insertTerminal(tx, { id, placeId: place, name: `Bar ${index}`, publicKey: index.toString(16).padStart(64, '0'), genesis: HASH, lastHash: HASH, createdAt: AT });
    }
  });
  return ids;
}

function live(ids: readonly string[], recordedAt = AT) {
  return ids.map((terminalId, index) => ({ terminalId, recordedAt, connectedAt: AT, lastMessageAt: recordedAt, lagEntries: index }));
}

async function record(storage: Storage, hub: string, rows: ReturnType<typeof live>): Promise<void> {
  await storage.transaction((tx) => repo.recordPresence(tx, hub, rows));
}

async function recorded(storage: Storage): Promise<Record<string, string>> {
  const rows = await repo.listPresence(storage.read);
  return Object.fromEntries(rows.map((row) => [row.terminalId, `${row.recordedBy} ${row.recordedAt} lag ${row.lagEntries}`]));
}

let dir = '';
const opened: Storage[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

async function open(url: string | undefined): Promise<Storage> {
  if (!url) dir = mkdtempSync(join(tmpdir(), 'fedow-presence-'));
  const storage = await openStorage(url ?? `sqlite:${join(dir, 'fedow.sqlite')}`);
  opened.push(storage);
  return storage;
}

describe.each(DIALECTS)('recordPresence on %s', (dialect) => {
  const databaseUrl = freshDatabase(dialect);

  it("replaces the hub's own rows with its live tills, takes over a till another hub recorded, and leaves that hub's other rows", async () => {
    const storage = await open(await databaseUrl());
    const [a, b, c, d] = await terminals(storage, 4);
    await record(storage, 'hub-1', live([a!, b!, c!]));
    await record(storage, 'hub-2', live([d!]));
    expect(await recorded(storage)).toEqual({ [a!]: `hub-1 ${AT} lag 0`, [b!]: `hub-1 ${AT} lag 1`, [c!]: `hub-1 ${AT} lag 2`, [d!]: `hub-2 ${AT} lag 0` });

    // b left hub-1, d reconnected through hub-1, c's lag changed.
    await record(storage, 'hub-1', live([d!, c!, a!], LATER));
    expect(await recorded(storage)).toEqual({ [d!]: `hub-1 ${LATER} lag 0`, [c!]: `hub-1 ${LATER} lag 1`, [a!]: `hub-1 ${LATER} lag 2` });

    await record(storage, 'hub-2', []);
    expect(Object.keys(await recorded(storage)).sort()).toEqual([a!, c!, d!].sort());
    await record(storage, 'hub-1', []);
    expect(await recorded(storage)).toEqual({});
  });
});

describe('recordPresence on sqlite', () => {
  it('compiles its statements on the first write only, whatever the number of tills after it', async () => {
    const storage = await open(undefined);
    const ids = await terminals(storage, 40);
    if (storage.dialect !== 'sqlite') throw new Error('this test opens a SQLite file');
    // Both cases once before counting: with tills (delete and upsert), without (delete only).
    await record(storage, 'hub-1', live(ids.slice(0, 1)));
    await record(storage, 'hub-1', []);
    const prepare = vi.spyOn(storage.sqlite, 'prepare');
    for (let count = 2; count <= ids.length; count += 3) await record(storage, 'hub-1', live(ids.slice(0, count)));
    await record(storage, 'hub-1', live(ids.slice(5, 7)));
    await record(storage, 'hub-1', []);
    await record(storage, 'hub-1', live(ids));
    expect(prepare.mock.calls.map(([text]: [string]) => text)).toEqual([]);
    expect(Object.keys(await recorded(storage))).toHaveLength(ids.length);
  });
});
