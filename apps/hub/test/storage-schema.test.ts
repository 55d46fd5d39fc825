import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ASSET_CATEGORIES as PROTOCOL_CATEGORIES, TRANSFER_ACTIONS as PROTOCOL_ACTIONS } from '@fedow/protocol';
import { getTableName, is, Table, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import { getTableConfig as pgConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as pg from '../src/storage/schema-pg';
import * as sqlite from '../src/storage/schema-sqlite';
import { ASSET_CATEGORIES, TRANSFER_ACTIONS } from '../src/storage/schema-values';
import { parseDatabaseUrl, redactUrl } from '../src/storage/url';

const hubDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

type Schema = Record<string, unknown>;
type Rows<S extends Schema, Kind extends 'select' | 'insert'> = {
  [Name in keyof S]: S[Name] extends Table ? (Kind extends 'select' ? InferSelectModel<S[Name]> : InferInsertModel<S[Name]>) : never;
};
/**
 * SQLite makes an INTEGER PRIMARY KEY an alias of the rowid, which the database fills
 * when an insert omits it; blocks.height is one. The repository always passes it.
 */
type RowidAliased = 'blocks';

function tables<T extends Table>(schema: Record<string, unknown>): Map<string, T> {
  const result = new Map<string, T>();
  for (const [name, value] of Object.entries(schema)) if (is(value, Table)) result.set(name, value as T);
  return result;
}

describe('storage schema', () => {
  it('infers identical row types in both dialects', () => {
    expectTypeOf<Rows<typeof sqlite, 'select'>>().toEqualTypeOf<Rows<typeof pg, 'select'>>();
    expectTypeOf<Omit<Rows<typeof sqlite, 'insert'>, RowidAliased>>().toEqualTypeOf<Omit<Rows<typeof pg, 'insert'>, RowidAliased>>();
    expectTypeOf<Rows<typeof pg, 'insert'>['blocks']>().toExtend<Rows<typeof sqlite, 'insert'>['blocks']>();
    // Every table of one schema is in the other, and checked above.
    expect([...tables(pg).keys()].sort()).toEqual([...tables(sqlite).keys()].sort());
    expect(tables(pg).size).toBe(49);
  });

  it('declares the same columns, keys, indexes and checks in both dialects', () => {
    const pgTables = tables<PgTable>(pg);
    for (const [name, sqliteTable] of tables<SQLiteTable>(sqlite)) {
      const pgTable = pgTables.get(name);
      if (!pgTable) throw new Error(`table ${name} missing from schema-pg.ts`);
      const a = sqliteConfig(sqliteTable);
      const b = pgConfig(pgTable);
      expect(getTableName(pgTable)).toBe(getTableName(sqliteTable));
      const rowidAlias = (c: { primary: boolean; columnType: string }) => c.primary && c.columnType === 'SQLiteInteger';
      const columns = (config: typeof a | typeof b) =>
        config.columns.map((c) => ({
          name: c.name,
          notNull: c.notNull,
          primary: c.primary,
          unique: c.isUnique,
          hasDefault: c.hasDefault && !(name === 'blocks' && rowidAlias(c)),
        }));
      expect(columns(b), name).toEqual(columns(a));
      const names = (items: { getName(): string | undefined }[]) => items.map((item) => item.getName() ?? '').sort();
      expect(names(b.primaryKeys), name).toEqual(names(a.primaryKeys));
      expect(names(b.uniqueConstraints), name).toEqual(names(a.uniqueConstraints));
      expect(b.indexes.map((index) => index.config.name).sort(), name).toEqual(a.indexes.map((index) => index.config.name).sort());
      expect(b.checks.map((check) => check.name).sort(), name).toEqual(a.checks.map((check) => check.name).sort());
      expect(b.foreignKeys.map((fk) => fk.getName()).sort(), name).toEqual(a.foreignKeys.map((fk) => fk.getName()).sort());
    }
  });

  it('constrains the same values as @fedow/protocol', () => {
    expect(ASSET_CATEGORIES).toEqual(PROTOCOL_CATEGORIES);
    expect(TRANSFER_ACTIONS).toEqual(PROTOCOL_ACTIONS);
  });

  it('has committed migrations that match the schema of each dialect', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fedow-migrations-'));
    try {
      for (const [dialect, folder, schema] of [
        ['sqlite', 'sqlite', 'schema-sqlite.ts'],
        ['postgresql', 'pg', 'schema-pg.ts'],
      ] as const) {
        cpSync(join(hubDir, 'drizzle', folder), join(work, folder), { recursive: true });
        const before = readdirSync(join(work, folder)).sort();
        // drizzle-kit wants an --out relative to its working directory.
        await run(
          fileURLToPath(new URL('../../../node_modules/.bin/drizzle-kit', import.meta.url)),
          ['generate', `--dialect=${dialect}`, `--schema=./src/storage/${schema}`, `--out=${relative(hubDir, join(work, folder))}`],
          { cwd: hubDir },
        );
        expect(readdirSync(join(work, folder)).sort(), `run drizzle-kit generate for ${folder}`).toEqual(before);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('reads DATABASE_URL', () => {
    expect(parseDatabaseUrl('sqlite:./data/fedow.sqlite')).toEqual({ dialect: 'sqlite', path: './data/fedow.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/fedow.sqlite')).toEqual({ dialect: 'sqlite', path: '/var/lib/fedow.sqlite' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgresql://u:p@h/db')).toEqual({ dialect: 'postgres', url: 'postgresql://u:p@h/db' });
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(/expected sqlite/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/empty/);
    expect(redactUrl('postgres://fedow:s3cret@db:5432/fedow')).toBe('postgres://fedow:***@db:5432/fedow');
  });
});
