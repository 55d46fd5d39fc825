import { openHubContext } from '../app';
import { configFromEnv } from '../config';
import type { HubContext } from '../context';
import type { Io } from './io';

/**
 * Runs a command on the hub's database (DATABASE_URL, default sqlite:./data/fedow.sqlite)
 * without the HTTP server. On a fresh database the identity is created here, and the
 * operator token, shown once, goes to stderr.
 */
export async function withContext<T>(io: Io, fn: (context: HubContext) => Promise<T>): Promise<T> {
  const { context, identity, close } = await openHubContext(configFromEnv(process.env, { log: false }));
  try {
    if (identity.operatorToken) io.stderr.write(`fedow: new hub; operator token (shown once, keep it): ${identity.operatorToken}\n`);
    return await fn(context);
  } finally {
    await close();
  }
}
