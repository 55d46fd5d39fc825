import { existsSync } from 'node:fs';
import pg from 'pg';
import { openHubContext } from '../app';
import { configFromEnv, type HubConfig } from '../config';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { parseDatabaseUrl, redactUrl } from '../storage/url';
import type { Io } from './io';

export interface ContextOptions {
  /** A command that only reads: it never creates a database (nor a key), and says so when there is none. */
  existing?: boolean;
}

/**
 * Runs a command on the hub's database (FEDOW_DATA_DIR or DATABASE_URL, default
 * sqlite:./data/fedow.sqlite) without the HTTP server. On a fresh database a writing
 * command creates the identity, and the operator token, shown once, goes to stderr.
 */
export async function withContext<T>(io: Io, fn: (context: HubContext) => Promise<T>, options: ContextOptions = {}): Promise<T> {
  const config = configFromEnv(process.env, { log: false });
  if (options.existing) await requireExistingHub(config);
  const { context, identity, close } = await openHubContext(config);
  try {
    if (identity.operatorToken) io.stderr.write(`fedow: new hub; operator token (shown once, keep it): ${identity.operatorToken}\n`);
    return await fn(context);
  } finally {
    await close();
  }
}

/** A read-only command's context: refuses, with the place it looked, when there is no hub there. */
export function withExistingContext<T>(io: Io, fn: (context: HubContext) => Promise<T>): Promise<T> {
  return withContext(io, fn, { existing: true });
}

const NO_HUB = 'set FEDOW_DATA_DIR (or DATABASE_URL) to the hub’s data, or start a hub there with fedow serve';

async function requireExistingHub(config: HubConfig): Promise<void> {
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.dialect === 'sqlite') {
    if (target.path === ':memory:' || !existsSync(target.path)) throw new HubError('not_found', `no hub database at ${target.path}: ${NO_HUB}`);
    return;
  }
  const client = new pg.Client({ connectionString: target.url });
  try {
    await client.connect();
    const { rows } = await client.query<{ found: string | null }>(`select to_regclass('hub_identity')::text as found`);
    const identity = rows[0]?.found ? (await client.query('select 1 from hub_identity limit 1')).rowCount : 0;
    if (!identity) throw new HubError('not_found', `no hub in the database ${redactUrl(target.url)}: ${NO_HUB}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
