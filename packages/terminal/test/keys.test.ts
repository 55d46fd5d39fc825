import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyHex, signBody, verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { KEY_FILE_MODE, loadOrCreateKeyFile, readKeyFile, writeKeyFile } from '../src';
import { TILL_SECRET, cleanup, temporaryDirectory } from './helpers';

afterEach(cleanup);

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('till key file', () => {
  it('is created with mode 0600 even under a permissive umask, and loads back to the same key', () => {
    const path = join(temporaryDirectory(), 'till.key');
    const umask = process.umask(0o000);
    let created;
    try {
      created = loadOrCreateKeyFile(path, nodeCrypto);
    } finally {
      process.umask(umask);
    }
    if (!created.ok) throw new Error(created.message);
    expect(created.created).toBe(true);
    expect(modeOf(path)).toBe(KEY_FILE_MODE);
    expect(readFileSync(path, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(created.key.publicKey).toBe(publicKeyHex(nodeCrypto, created.key.secretKey));

    const loaded = loadOrCreateKeyFile(path, nodeCrypto);
    expect(loaded).toMatchObject({ ok: true, created: false, repaired: false });
    if (!loaded.ok) return;
    expect(loaded.key.publicKey).toBe(created.key.publicKey);
    const signed = { body: { hello: 'till' }, ...signBody(nodeCrypto, loaded.key.secretKey, { hello: 'till' }) };
    expect(verifySigned(nodeCrypto, created.key.publicKey, signed)).toBe('ok');
  });

  it('refuses a key file others can read, or repairs it when asked', () => {
    const path = join(temporaryDirectory(), 'till.key');
    writeKeyFile(path, TILL_SECRET);
    chmodSync(path, 0o644);
    expect(readKeyFile(path, nodeCrypto)).toMatchObject({ ok: false, code: 'insecure_mode' });
    expect(loadOrCreateKeyFile(path, nodeCrypto)).toMatchObject({ ok: false, code: 'insecure_mode' });
    chmodSync(path, 0o640);
    expect(readKeyFile(path, nodeCrypto)).toMatchObject({ ok: false, code: 'insecure_mode' });

    const repaired = readKeyFile(path, nodeCrypto, { insecureMode: 'repair' });
    expect(repaired).toMatchObject({ ok: true, repaired: true });
    expect(modeOf(path)).toBe(KEY_FILE_MODE);
    expect(repaired.ok && repaired.key.publicKey).toBe(publicKeyHex(nodeCrypto, TILL_SECRET));
  });

  it('never overwrites an existing key, and reports missing or malformed files', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'till.key');
    expect(readKeyFile(path, nodeCrypto)).toMatchObject({ ok: false, code: 'missing' });
    writeKeyFile(path, TILL_SECRET);
    expect(() => writeKeyFile(path, new Uint8Array(32))).toThrow(/EEXIST/);
    expect(readKeyFile(path, nodeCrypto)).toMatchObject({ ok: true });

    const bad = join(directory, 'bad.key');
    writeFileSync(bad, 'not a key\n', { mode: 0o600 });
    expect(readKeyFile(bad, nodeCrypto)).toMatchObject({ ok: false, code: 'malformed' });
    expect(readKeyFile(directory, nodeCrypto)).toMatchObject({ ok: false, code: 'not_a_file' });
  });
});
