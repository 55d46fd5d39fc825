/** A better-sqlite3 connection that compiles each SQL text once, whatever drizzle asks. */
import type BetterSqlite3 from 'better-sqlite3';

/** Distinct SQL texts kept compiled: the repository's are a few hundred; multi-row inserts vary. */
const STATEMENTS_MAX = 1_000;

/**
 * The connection as drizzle sees it, with each SQL text compiled once. Drizzle
 * prepares a statement for every query it runs; on a compatible API sale that
 * was ~125 compilations, more time than running them (docs/PERFORMANCE.md,
 * "A LaBoutik sale"). Drizzle switches a statement to raw (array) rows only
 * for the query in hand and reads objects otherwise, so a statement handed
 * out again is switched back first.
 */
export function cachingClient(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    let statement = statements.get(source);
    if (statement) {
      // Most recently used last: the first key is the one to evict.
      statements.delete(source);
    } else {
      statement = sqlite.prepare(source);
      if (statements.size >= STATEMENTS_MAX) statements.delete(statements.keys().next().value!);
    }
    statements.set(source, statement);
    if (statement.reader) statement.raw(false);
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
