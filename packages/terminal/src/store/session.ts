import { SETTING, deleteSetting, readSetting, writeSetting, type TillDatabase } from './database';

/**
 * The cashier's session (who unlocked the till, since when), kept in the till's
 * database so that a restart mid-shift keeps the register open: its totals come
 * from the journal entries made since `openedAt`.
 */

export interface Session {
  primary: string;
  openedAt: number;
}

export interface SessionStore {
  current(): Session | null;
  /** Opens (or replaces) the session in one transaction. */
  open(primary: string, openedAt: number): void;
  close(): void;
}

export function sessionStore(db: TillDatabase): SessionStore {
  return {
    current() {
      const primary = readSetting(db, SETTING.sessionPrimary);
      const openedAt = readSetting(db, SETTING.sessionOpenedAt);
      if (primary === undefined || openedAt === undefined) return null;
      return { primary, openedAt: Number(openedAt) };
    },
    open(primary, openedAt) {
      db.transaction(() => {
        writeSetting(db, SETTING.sessionPrimary, primary);
        writeSetting(db, SETTING.sessionOpenedAt, String(openedAt));
      })();
    },
    close() {
      db.transaction(() => {
        deleteSetting(db, SETTING.sessionPrimary);
        deleteSetting(db, SETTING.sessionOpenedAt);
      })();
    },
  };
}
