/**
 * The hot reads on SQLite, without drizzle's query builder: each SQL text is
 * written once, prepared once per connection, and its rows decoded as drizzle
 * decodes a table's `select()` (same keys, same order, same column decoders).
 * Building a statement cost drizzle more than running it: on a compatible API
 * sale, ~40 reads spent a third of the hub's CPU in the builder
 * (docs/PERFORMANCE.md, "A LaBoutik sale"). PostgreSQL keeps the builder: its
 * round trip dwarfs the building.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { getTableColumns, getTableName, type Column, type Table } from 'drizzle-orm';

interface TableShape {
  /** `"col1", "col2", …` in the table's column order. */
  list: string;
  keys: string[];
  columns: Column[];
}

const shapes = new WeakMap<Table, TableShape>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement<unknown[], unknown[]>>>();

function shapeOf(table: Table): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    const entries = Object.entries(getTableColumns(table));
    shape = { list: entries.map(([, column]) => `"${column.name}"`).join(', '), keys: entries.map(([key]) => key), columns: entries.map(([, column]) => column) };
    shapes.set(table, shape);
  }
  return shape;
}

/** `text`, prepared once on this connection, answering arrays (rows are decoded here). */
function statement(db: BetterSqlite3.Database, text: string): BetterSqlite3.Statement<unknown[], unknown[]> {
  let byText = statements.get(db);
  if (!byText) {
    byText = new Map();
    statements.set(db, byText);
  }
  let prepared = byText.get(text);
  if (!prepared) {
    prepared = (db.prepare(text) as BetterSqlite3.Statement<unknown[], unknown[]>).raw(true);
    byText.set(text, prepared);
  }
  return prepared;
}

/**
 * Whole rows of `table`: `select <every column> from "table" <rest>`, `rest`
 * being the WHERE / ORDER BY / LIMIT text with `?` for `params` (strings and
 * numbers only: better-sqlite3 binds no booleans). The texts are fixed strings
 * in the repository, never built from input.
 */
export function selectRows<T extends Table>(db: BetterSqlite3.Database, table: T, rest: string, params: readonly unknown[]): T['$inferSelect'][] {
  const shape = shapeOf(table);
  const rows = statement(db, `select ${shape.list} from "${getTableName(table)}" ${rest}`).all(...params);
  return rows.map((row) => decode(shape, row, 0));
}

/** A row of `table` read from `row[offset…]`, as drizzle's `select()` gives it. */
function decode<T extends Table>(shape: TableShape, row: unknown[], offset: number): T['$inferSelect'] {
  const result: Record<string, unknown> = {};
  for (let index = 0; index < shape.keys.length; index++) {
    const value = row[offset + index];
    result[shape.keys[index]!] = value === null ? null : shape.columns[index]!.mapFromDriverValue(value);
  }
  return result as T['$inferSelect'];
}

/** Rows of a statement that selects plain values (ids, counts): no decoding. */
export function selectValues(db: BetterSqlite3.Database, text: string, params: readonly unknown[]): unknown[][] {
  return statement(db, text).all(...params);
}

/** Whole rows of `table` followed by more values, for joins: `select <every column of table>, <extra> from …`. */
export function selectRowsWith<T extends Table>(
  db: BetterSqlite3.Database,
  table: T,
  extra: string,
  rest: string,
  params: readonly unknown[],
): { row: T['$inferSelect']; extra: unknown[] }[] {
  const shape = shapeOf(table);
  const name = getTableName(table);
  const list = shape.columns.map((column) => `"${name}"."${column.name}"`).join(', ');
  const rows = statement(db, `select ${list}, ${extra} from "${name}" ${rest}`).all(...params);
  return rows.map((row) => ({ row: decode(shape, row, 0), extra: row.slice(shape.keys.length) }));
}

/** One parameter for `IN (SELECT value FROM json_each(?))`, as `inList` binds it. */
export function jsonList(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}
