import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashBody, publicKeyHex } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { genesisBody } from '@fedow/protocol';
import type { Identity, RandomSource } from '../src';

/** A fresh directory under the system's temp dir; `cleanup` removes every one. */
const directories: string[] = [];
export function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'fedow-terminal-'));
  directories.push(directory);
  return directory;
}
export function cleanup(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** Deterministic bytes: sha256(seed ‖ counter), so ids differ between draws. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
}

export function uuid(n: number): string {
  return `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const TILL_SECRET = new Uint8Array(32).fill(7);
export const OTHER_SECRET = new Uint8Array(32).fill(9);

export function identityFor(secretKey: Uint8Array, overrides: Partial<Identity> = {}): Identity {
  const publicKey = publicKeyHex(nodeCrypto, secretKey);
  const terminal = overrides.terminal ?? uuid(0x7e1);
  const place = overrides.place ?? uuid(0x91ace);
  const hubPublicKey = overrides.hubPublicKey ?? publicKeyHex(nodeCrypto, new Uint8Array(32).fill(1));
  return {
    terminal,
    publicKey,
    place,
    placeName: 'Bar 1',
    hubPublicKey,
    hubUrl: 'wss://hub.example/sync',
    genesis: hashBody(nodeCrypto, genesisBody(terminal, publicKey, place, hubPublicKey)),
    ...overrides,
  };
}

/** Times as the till's clock gives them: unix ms. */
export const T0 = Date.UTC(2026, 6, 14, 21, 0, 0);
export const MINUTE_MS = 60_000;
