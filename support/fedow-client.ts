/**
 * A stand-in for TiBillet's clients, written from reference/fedow-clients.md §1
 * (no code of theirs): the bytes LaBoutik and Lespass put on the wire —
 * `json.dumps` bodies (`", "`, `": "`, ASCII escapes), RSA-PSS SHA-256 with the
 * maximum salt, padded base64url, Lespass's naive `Date` and `Wallet` headers,
 * LaBoutik's form-encoded handshake — over a new connection per request, as
 * `requests` without a session does. Golden fixtures made by Python
 * (fixtures/compat) prove it and the hub agree with the real thing.
 */
import { constants, generateKeyPairSync, privateDecrypt, sign, type KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { pythonJsonDumps } from '@fedow/hub';

export interface RsaKey {
  privateKey: KeyObject;
  pem: string;
}

export function rsaKey(bits = 2048): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Python's `urlsafe_b64encode`: padded. */
export function b64url(bytes: Buffer | string): string {
  const text = (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** `sign_message` of both clients: PSS, MGF1-SHA-256, maximum salt, padded base64url. `saltLength` only for attacks. */
export function signPss(key: RsaKey, message: string, saltLength: number = constants.RSA_PSS_SALTLEN_MAX_SIGN): string {
  return b64url(sign('sha256', Buffer.from(message, 'utf8'), { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
}

/** How Lespass reads `rsa_cypher_message`: RSA-OAEP SHA-256 with the admin's key. */
export function oaepDecrypt(key: RsaKey, message: string): string {
  return privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(message, 'base64url')).toString('utf8');
}

/** Lespass's `datetime.now().isoformat()`: naive, microseconds, no fraction when they are zero. */
export function pythonNow(date = new Date()): string {
  const text = date.toISOString().slice(0, 23);
  return text.endsWith('.000') ? text.slice(0, 19) : `${text}000`;
}

export interface Reply {
  status: number;
  text: string;
  // Answers are checked field by field with expect(): any keeps the scenarios short.
  json: any;
}

/** One HTTP exchange on its own connection (`agent: false`). */
export function send(base: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, text, json });
      });
    });
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

/** LaBoutik: its place key, and the cashless key that signs every request. */
export class LaBoutikClient {
  constructor(
    readonly base: string,
    public apiKey: string,
    readonly key: RsaKey,
  ) {}

  /** The exact request LaBoutik would send, without sending it (the benchmark signs before timing). */
  prepare(path: string, data: unknown): { path: string; headers: Record<string, string>; body: string } {
    const body = pythonJsonDumps(data);
    return { path, body, headers: { authorization: `Api-Key ${this.apiKey}`, signature: signPss(this.key, b64url(body)), 'content-type': 'application/json' } };
  }

  post(path: string, data: unknown): Promise<Reply> {
    const prepared = this.prepare(path, data);
    return send(this.base, 'POST', path, prepared.headers, prepared.body);
  }

  /** GETs sign the API key itself (a constant: the original's rule). */
  get(path: string): Promise<Reply> {
    return send(this.base, 'GET', path, { authorization: `Api-Key ${this.apiKey}`, signature: signPss(this.key, this.apiKey) });
  }

  /** The form-encoded handshake, signed over the JSON the original rebuilds from the form. */
  handshake(tempKey: string, fields: [string, string][]): Promise<Reply> {
    const form = new URLSearchParams(fields).toString();
    const signed = b64url(pythonJsonDumps(Object.fromEntries(fields)));
    return send(this.base, 'POST', '/place/handshake/', { authorization: `Api-Key ${tempKey}`, signature: signPss(this.key, signed), 'content-type': 'application/x-www-form-urlencoded' }, form);
  }
}

export interface LespassUser {
  wallet: string | null;
  key: RsaKey;
}

/** Lespass: a place key (or the root key), `Date` on every request, `Wallet` and `Signature` when a user acts. */
export class LespassClient {
  constructor(
    readonly base: string,
    public apiKey: string | null,
  ) {}

  private headers(user: LespassUser | undefined, message: (date: string) => string, extra: Record<string, string> = {}): Record<string, string> {
    const date = pythonNow();
    const headers: Record<string, string> = { date, ...extra };
    if (this.apiKey !== null) headers.authorization = `Api-Key ${this.apiKey}`;
    if (user) {
      headers.wallet = user.wallet ?? '';
      headers.signature = signPss(user.key, message(date));
    }
    return headers;
  }

  post(path: string, data: unknown, user?: LespassUser): Promise<Reply> {
    return this.postText(path, pythonJsonDumps(data), user);
  }

  /** A body already written as Python would (a float like `1.0` has no JS form of its own). */
  postText(path: string, body: string, user?: LespassUser): Promise<Reply> {
    return send(this.base, 'POST', path, this.headers(user, () => b64url(body), { 'content-type': 'application/json' }), body);
  }

  get(path: string, user?: LespassUser): Promise<Reply> {
    return send(this.base, 'GET', path, this.headers(user, (date) => `${user?.wallet}:${date}`));
  }
}
