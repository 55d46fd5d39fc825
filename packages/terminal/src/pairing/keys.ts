import { chmodSync, closeSync, constants, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromHex, publicKeyHex, toHex, type CryptoProvider } from '@fedow/ledger';

/**
 * The till's Ed25519 key pair. The 32-byte secret never leaves the till: it is
 * stored as 64 lowercase hex characters (plus a newline) in a file only its
 * owner may read. Losing it means the till cannot continue its chain; leaking it
 * means someone else can sign entries in this till's name.
 */
export interface TillKey {
  readonly secretKey: Uint8Array;
  /** Lowercase hex, as `publicKey` in the pairing request. */
  readonly publicKey: string;
}

export const KEY_FILE_MODE = 0o600;
const SECRET_BYTES = 32;
const KEY_FILE_BYTES_MAX = 256;

export type KeyFileCode = 'missing' | 'not_a_file' | 'insecure_mode' | 'malformed';
export type KeyFileResult =
  | { ok: true; key: TillKey; repaired: boolean; created: boolean }
  | { ok: false; code: KeyFileCode; message: string };

export interface KeyFileOptions {
  /**
   * What to do with a key file that group or others may access. `refuse` (the
   * default, as ssh does): the key may have been copied, an operator should
   * decide whether to re-pair. `repair`: chmod 0600 and carry on.
   */
  insecureMode?: 'refuse' | 'repair';
}

export function tillKeyFromSecret(crypto: CryptoProvider, secretKey: Uint8Array): TillKey {
  if (secretKey.length !== SECRET_BYTES) throw new TypeError('an Ed25519 secret key is 32 bytes');
  return { secretKey, publicKey: publicKeyHex(crypto, secretKey) };
}

export function generateTillKey(crypto: CryptoProvider): TillKey {
  return tillKeyFromSecret(crypto, new Uint8Array(randomBytes(SECRET_BYTES)));
}

/**
 * Writes a new key file, mode 0600, durably. Refuses to replace an existing file
 * (throws EEXIST): overwriting a paired till's key would orphan its chain.
 */
export function writeKeyFile(path: string, secretKey: Uint8Array): void {
  if (secretKey.length !== SECRET_BYTES) throw new TypeError('an Ed25519 secret key is 32 bytes');
  // Write a temporary file, then hard-link it into place: link() fails when the
  // target exists, and a reader never sees a half-written key.
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, KEY_FILE_MODE);
  try {
    // The umask may have removed the owner's bits too; set the mode exactly.
    chmodSync(temporary, KEY_FILE_MODE);
    writeSync(fd, `${toHex(secretKey)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } finally {
    unlinkSync(temporary);
  }
  syncDirectory(dirname(path));
}

export function readKeyFile(path: string, crypto: CryptoProvider, options: KeyFileOptions = {}): KeyFileResult {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { ok: false, code: 'missing', message: `no key file at ${path}` };
    throw error;
  }
  if (!stats.isFile() || stats.size > KEY_FILE_BYTES_MAX) {
    return { ok: false, code: 'not_a_file', message: `${path} is not a key file` };
  }
  let repaired = false;
  if (hasLooseMode(stats.mode)) {
    if (options.insecureMode !== 'repair') {
      return { ok: false, code: 'insecure_mode', message: `${path} is readable by others (mode ${formatMode(stats.mode)}); expected 0600` };
    }
    chmodSync(path, KEY_FILE_MODE);
    repaired = true;
  }
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) return { ok: false, code: 'malformed', message: `${path} does not hold 64 lowercase hex characters` };
  return { ok: true, key: tillKeyFromSecret(crypto, fromHex(text)), repaired, created: false };
}

/** Loads the key, or generates and stores one on a till's first start. */
export function loadOrCreateKeyFile(path: string, crypto: CryptoProvider, options: KeyFileOptions = {}): KeyFileResult {
  const loaded = readKeyFile(path, crypto, options);
  if (loaded.ok || loaded.code !== 'missing') return loaded;
  const key = generateTillKey(crypto);
  writeKeyFile(path, key.secretKey);
  return { ok: true, key, repaired: false, created: true };
}

function hasLooseMode(mode: number): boolean {
  // POSIX permission bits mean nothing on Windows (ACLs decide there): the
  // installer restricts the data directory instead.
  if (process.platform === 'win32') return false;
  return (mode & 0o077) !== 0;
}

function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(directory, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
