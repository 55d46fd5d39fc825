/** Statements prepared once per SQLite connection, for hot writes that bypass drizzle. */
import type BetterSqlite3 from 'better-sqlite3';

const cache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * The statement for `text` on this SQLite connection, prepared once. For the
 * hot writes (ingest, sealing) that run row by row: preparing per call cost
 * more than running.
 */
export function prepared<Params extends unknown[] | {} = unknown[], Row = unknown>(
  sqlite: BetterSqlite3.Database,
  text: string,
): BetterSqlite3.Statement<Params, Row> {
  let statements = cache.get(sqlite);
  if (!statements) {
    statements = new Map();
    cache.set(sqlite, statements);
  }
  let statement = statements.get(text);
  if (!statement) {
    statement = sqlite.prepare(text);
    statements.set(text, statement);
  }
  return statement as BetterSqlite3.Statement<Params, Row>;
}
