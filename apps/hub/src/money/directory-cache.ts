/**
 * What was read of the directory (places, assets, federations, melt policies, the
 * primary wallet), kept across requests under the directory's version token.
 * Every write to those tables, by any process or command, replaces the token in
 * its own transaction (the database's triggers, migration 0015), so a directory
 * read under a token stays true for as long as that token is the current one.
 *
 * The token is read before the directory: what is then read is at least as new
 * as the token, and anything newer came with a new token, so a stale directory
 * is never stored under a current token. Tokens are random, not counted: a
 * rolled-back transaction's token is never reused for other contents, and
 * databases in the same process (tests) do not share tokens.
 */
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/** A few databases may be open in one process (tests, the CLI beside a hub): one directory each. */
const ENTRIES_MAX = 8;

const entries = new Map<string, unknown>();

/** `load`'s answer for the current directory, read once per token; `load` runs in `tx`. */
export async function cachedDirectory<T>(tx: Tx, load: () => Promise<T>): Promise<T> {
  const token = await repo.directoryToken(tx);
  if (token === null) return load();
  const cached = entries.get(token);
  if (cached !== undefined) return cached as T;
  const directory = await load();
  entries.set(token, directory);
  if (entries.size > ENTRIES_MAX) entries.delete(entries.keys().next().value!);
  return directory;
}
