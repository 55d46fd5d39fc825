import type { Update } from '@fedow/protocol';
import { openCardCache, type CardCache, type UpdateOutcome } from './card-cache';
import { TillCardSet } from './card-set';
import { openJournalOn, type Journal, type JournalOptions } from './journal';
import { openTillDatabase } from './database';
import { sessionStore, type SessionStore } from './session';

/**
 * The till store: the one owner of the till's SQLite file. It opens the file and
 * hands out views over it — the journal (entries, identity), the card cache (what
 * the hub told this till), the hub's card set and the cashier's session — plus the
 * verbs that must span several of them in one transaction. Code outside store/
 * goes through these; none of it holds the database handle.
 */
export interface TillStore {
  readonly journal: Journal;
  readonly cache: CardCache;
  readonly cardSet: TillCardSet;
  readonly session: SessionStore;
  /**
   * Stores one hub `update` and, when it moved the live cache, acknowledges this
   * till's entries up to `appliedThrough` in the same transaction: the authoriser
   * never sees balances that hold an entry while the entry still counts as pending.
   */
  applyHubUpdate(update: Update, appliedThrough: number | undefined, now: number): UpdateOutcome;
  close(): void;
}

export function openTillStore(path: string, options: JournalOptions): TillStore {
  const db = openTillDatabase(path);
  const journal = openJournalOn(db, options);
  const cache = openCardCache(db);
  return {
    journal,
    cache,
    cardSet: new TillCardSet(db),
    session: sessionStore(db),
    applyHubUpdate: (update, appliedThrough, now) =>
      db.transaction(() => {
        const result = cache.applyUpdate(update, now);
        if (result.status === 'applied' && appliedThrough !== undefined) journal.confirmApplied(appliedThrough, now);
        return result;
      })(),
    close: () => journal.close(),
  };
}

/** The journal alone, on its own file (tests, benchmarks, tools reading a till's file). */
export function openJournal(path: string, options: JournalOptions): Journal {
  return openJournalOn(openTillDatabase(path), options);
}
