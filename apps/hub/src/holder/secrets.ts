import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A random secret for a link or a session cookie: 32 bytes, URL-safe. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a secret: a leaked table opens no session and follows no link. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A transfer's confirmation code: 6 digits, leading zeros kept. */
export function sixDigitCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The code's hash names its transfer too: the same code of two transfers hashes apart. */
export function hashCode(transferId: string, code: string): string {
  return hashSecret(`${transferId}:${code}`);
}
