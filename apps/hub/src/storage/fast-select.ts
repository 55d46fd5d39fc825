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
import { Column, getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { statementCache } from './prepared';

interface TableShape {
  /** `"table"."col1", …` in the table's column order. */
  qualified: string;
  width: number;
  /** A row as drizzle's `select()` gives it, from the array SQLite answers. */
  decode: (row: unknown[]) => Record<string, unknown>;
}

const shapes = new WeakMap<Table, TableShape>();
/** Statements answering arrays, prepared once per connection and text. */
const valueStatement = statementCache((db, text) => (db.prepare(text) as BetterSqlite3.Statement<unknown[], unknown[]>).raw(true));

function shapeOf(table: Table): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    const name = getTableName(table);
    const entries = Object.entries(getTableColumns(table));
    shape = { qualified: entries.map(([, column]) => `"${name}"."${column.name}"`).join(', '), width: entries.length, decode: decoder(entries) };
    shapes.set(table, shape);
  }
  return shape;
}

/**
 * Whole rows of `table`: `select <every column> from "table" <rest>`, `rest`
 * being the WHERE / ORDER BY / LIMIT text with `?` for `params` (strings and
 * numbers only: better-sqlite3 binds no booleans). The texts are fixed strings
 * in the repository, never built from input.
 */
export function selectRows<T extends Table>(db: BetterSqlite3.Database, table: T, rest: string, params: readonly unknown[]): T['$inferSelect'][] {
  const shape = shapeOf(table);
  const statement = valueStatement(db, `select ${shape.qualified} from "${getTableName(table)}" ${rest}`);
  return statement.all(...params).map(shape.decode) as T['$inferSelect'][];
}

/** Rows of a statement that selects plain values (ids, counts), as arrays: no decoding. */
export function selectValues(db: BetterSqlite3.Database, text: string, params: readonly unknown[]): unknown[][] {
  return valueStatement(db, text).all(...params);
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
  const rows = valueStatement(db, `select ${shape.qualified}, ${extra} from "${getTableName(table)}" ${rest}`).all(...params);
  return rows.map((row) => ({ row: shape.decode(row) as T['$inferSelect'], extra: row.slice(shape.width) }));
}

/**
 * The row decoder of a table: the column's own decoder where it has one (booleans),
 * the stored value elsewhere (drizzle's base decoder returns it unchanged).
 */
function decoder(entries: [string, Column][]): (row: unknown[]) => Record<string, unknown> {
  const decoders = entries.map(([, column]) => (column.mapFromDriverValue === Column.prototype.mapFromDriverValue ? null : column));
  return (row) => {
    const result: Record<string, unknown> = {};
    for (let index = 0; index < entries.length; index++) {
      const value = row[index];
      const column = decoders[index];
      result[entries[index]![0]] = value === null || !column ? value : column.mapFromDriverValue(value);
    }
    return result;
  };
}

/**
 * Whole rows of several tables joined: `select <every column of each> <rest>`,
 * `rest` starting with FROM. A table whose first column (its key) is null in a
 * row was not joined (LEFT JOIN): it is null in the answer.
 */
export function selectJoined<T extends readonly Table[]>(
  db: BetterSqlite3.Database,
  tables: T,
  rest: string,
  params: readonly unknown[],
): { [K in keyof T]: T[K] extends Table ? T[K]['$inferSelect'] | null : never }[] {
  const shapes = tables.map(shapeOf);
  const rows = valueStatement(db, `select ${shapes.map((shape) => shape.qualified).join(', ')} ${rest}`).all(...params);
  return rows.map((row) => {
    let offset = 0;
    return shapes.map((shape) => {
      const part = row.slice(offset, offset + shape.width);
      offset += shape.width;
      return part[0] === null ? null : shape.decode(part);
    });
  }) as never;
}

/** One parameter for `IN (SELECT value FROM json_each(?))`, as `inList` binds it. */
export function jsonList(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}
