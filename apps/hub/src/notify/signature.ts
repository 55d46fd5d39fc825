import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 with the
 * secret's key over `${id}.${timestamp}.${body}`, sent as
 * `webhook-signature: v1,<base64>`; the secret is `whsec_` + base64 of the key.
 */
const SECRET_PREFIX = 'whsec_';
const KEY_BYTES = 32;

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new endpoint secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(KEY_BYTES).toString('base64');
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length === 0) throw new Error('a webhook secret holds a key');
  return key;
}

/** The `v1,…` signature of one message. `timestampS`: Unix seconds. */
export function signMessage(secret: string, id: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampS}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function signedHeaders(secret: string, id: string, timestampS: number, body: string): SignedHeaders {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': signMessage(secret, id, timestampS, body) };
}

/**
 * What a receiver does: true when one of the space-separated `v1,` signatures
 * matches. (The timestamp's tolerance is the receiver's policy: not checked here.)
 */
export function verifySignature(secret: string, headers: SignedHeaders, body: string): boolean {
  const expected = Buffer.from(signMessage(secret, headers['webhook-id'], Number(headers['webhook-timestamp']), body));
  return headers['webhook-signature'].split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
