import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from '../../support/postgres';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/**
 * Inside a `describe.each(DIALECTS)`: starts a throwaway PostgreSQL for the
 * block when needed and returns a function giving each test a fresh database
 * URL — or undefined on SQLite, where the caller makes its own temp file.
 */
export function freshDatabase(dialect: TestDialect): () => Promise<string | undefined> {
  let postgres: TestPostgres | null = null;
  beforeAll(async () => {
    if (dialect === 'postgres') postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });
  return async () => (postgres ? postgres.createDatabase() : undefined);
}
