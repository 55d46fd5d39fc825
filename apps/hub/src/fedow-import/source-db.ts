import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { HubError } from '../errors';
import { redactUrl } from '../storage/url';

/** The original's database, read only: SQLite (the original's default) or PostgreSQL. */
export interface SourceDb {
  /** Where it is, without a password: for messages. */
  label: string;
  /** The columns of a table, or an empty set when the table does not exist. */
  columns(table: string): Promise<Set<string>>;
  rows(query: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * `sqlite:<path>`, `sqlite:///abs/path`, a plain path to a `.sqlite3` file, or
 * `postgres://…`. A SQLite file is opened read only: the import never writes
 * into the system it moves away from.
 */
export async function openSourceDb(url: string): Promise<SourceDb> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  let path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '' || !existsSync(path)) throw new HubError('not_found', `no original Fedow database at ${path || url}`);
  return openSqlite(path);
}

function openSqlite(path: string): SourceDb {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    label: path,
    columns: async (table) => new Set((db.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name)),
    rows: async (query) => db.prepare(query).all() as Record<string, unknown>[],
    close: async () => {
      db.close();
    },
  };
}

async function openPostgres(url: string): Promise<SourceDb> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    // The import only reads: a read-only session makes that a promise of the database too.
    await client.query('set session characteristics as transaction read only');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new HubError('bad_request', `cannot open the original Fedow database ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    label: redactUrl(url),
    columns: async (table) => {
      const { rows } = await client.query<{ name: string }>(`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = $1`, [table]);
      return new Set(rows.map((row) => row.name));
    },
    rows: async (query) => (await client.query(query)).rows as Record<string, unknown>[],
    close: async () => client.end(),
  };
}
