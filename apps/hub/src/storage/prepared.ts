/** Statements prepared once per SQLite connection, for hot writes and reads that bypass drizzle. */
import type BetterSqlite3 from 'better-sqlite3';

/**
 * A cache of statements by connection and SQL text: `prepare` runs once per
 * text on each connection. Each cache is its own (a statement set to raw mode
 * in one is never handed out plain by another).
 */
export function statementCache<S>(prepare: (sqlite: BetterSqlite3.Database, text: string) => S): (sqlite: BetterSqlite3.Database, text: string) => S {
  const cache = new WeakMap<BetterSqlite3.Database, Map<string, S>>();
  return (sqlite, text) => {
    let statements = cache.get(sqlite);
    if (!statements) {
      statements = new Map();
      cache.set(sqlite, statements);
    }
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = prepare(sqlite, text);
      statements.set(text, statement);
    }
    return statement;
  };
}

const plain = statementCache((sqlite, text) => sqlite.prepare(text));

/**
 * The statement for `text` on this SQLite connection, prepared once. For the
 * hot writes (ingest, sealing) that run row by row: preparing per call cost
 * more than running.
 */
export function prepared<Params extends unknown[] | {} = unknown[], Row = unknown>(
  sqlite: BetterSqlite3.Database,
  text: string,
): BetterSqlite3.Statement<Params, Row> {
  return plain(sqlite, text) as BetterSqlite3.Statement<Params, Row>;
}
