import { createHash } from 'node:crypto';

/**
 * The key under which an entry is stored when its signed id is already held by
 * another till's entry (rejected with `duplicate_id`, docs/DECISIONS.md).
 *
 * `entries.id` is the key transfers point to, so it stays unique across the hub;
 * a clashing entry produces no transfer and is stored under a key derived from
 * its till and its signed id instead. The body keeps the id the till signed, and
 * `fedow verify` recomputes this key. Deriving it from the id (not the seq) makes
 * the same till reusing the same id twice find its own earlier row: a fork.
 */
export function clashEntryKey(terminalId: string, entryId: string): string {
  const digest = createHash('sha256').update(`fedow/duplicate-id/${terminalId}/${entryId}`).digest('hex');
  // UUID layout with version 8 (RFC 9562, custom) and the RFC 4122 variant.
  const variant = ((parseInt(digest[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-8${digest.slice(13, 16)}-${variant}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}
