import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fromHex, publicKeyHex, toHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';

export interface HubKey {
  secretKey: Uint8Array;
  publicKey: string;
  /** Where it came from, for the operator: a file path or `HUB_KEY`. */
  source: string;
}

/**
 * The hub's Ed25519 key: `HUB_KEY` (64 hex characters) when set, else a file
 * beside the database, created on first start with mode 0600. A key file that
 * others can read is refused: whoever holds it can sign blocks.
 */
export function loadOrCreateHubKey(path: string | null, env: NodeJS.ProcessEnv = process.env): HubKey {
  const fromEnv = env.HUB_KEY?.trim();
  if (fromEnv) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) throw new Error('HUB_KEY must be 64 hex characters (a 32-byte Ed25519 seed)');
    const secretKey = fromHex(fromEnv.toLowerCase());
    return { secretKey, publicKey: publicKeyHex(nodeCrypto, secretKey), source: 'HUB_KEY' };
  }
  if (path === null) {
    // In-memory databases (tests) get an in-memory key.
    const secretKey = new Uint8Array(randomBytes(32));
    return { secretKey, publicKey: publicKeyHex(nodeCrypto, secretKey), source: 'memory' };
  }
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${toHex(randomBytes(32))}\n`, { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`the hub key ${path} is readable by others (mode ${mode.toString(8)}): run chmod 600 ${path}`);
  }
  const hex = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`the hub key ${path} is not 64 lowercase hex characters`);
  const secretKey = fromHex(hex);
  chmodSync(path, 0o600);
  return { secretKey, publicKey: publicKeyHex(nodeCrypto, secretKey), source: path };
}
