import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildHub } from '../app';
import { configFromEnv, type TlsConfig } from '../config';
import { HubError } from '../errors';
import { integer, type Io, UsageError } from './io';

export const SERVE_USAGE = 'fedow serve [--port 8442] [--host 127.0.0.1] [--tls-cert FILE.pem --tls-key FILE.pem]';

/** The hub: listens until SIGINT or SIGTERM, then closes sockets and the database. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { port: { type: 'string' }, host: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } } });
  const tls = tlsFiles(values['tls-cert'], values['tls-key']);
  const port = values.port === undefined ? undefined : integer(values.port, 'port');
  if (port !== undefined && port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const config = configFromEnv(process.env, { ...(port === undefined ? {} : { port }), ...(values.host === undefined ? {} : { host: values.host }), ...(tls ? { tls } : {}) });
  const hub = await buildHub(config);
  if (hub.identity.operatorToken) io.stderr.write(`fedow: new hub; operator token (shown once, keep it): ${hub.identity.operatorToken}\n`);
  let address: string;
  try {
    address = await hub.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await hub.close();
    throw error;
  }
  io.stdout.write(`fedow hub listening on ${address} (database ${hub.context.storage.label})\n  dashboard  ${address}/dashboard\n  admin API  ${address}/api/docs\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await hub.close();
  io.stdout.write('fedow hub stopped\n');
  return 0;
}

/** Both files or neither: a certificate without its key (or the reverse) is a mistake, not plain http. */
function tlsFiles(cert: string | undefined, key: string | undefined): TlsConfig | null {
  if (cert === undefined && key === undefined) return null;
  if (cert === undefined || key === undefined) throw new UsageError('give --tls-cert and --tls-key together');
  return { cert: readPem(cert, '--tls-cert'), key: readPem(key, '--tls-key') };
}

function readPem(path: string, flag: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new HubError('bad_request', `${flag} ${path}: ${error instanceof Error && 'code' in error ? String(error.code) : 'unreadable'}`);
  }
  if (!content.includes('-----BEGIN ')) throw new HubError('bad_request', `${flag} ${path}: not a PEM file`);
  return content;
}
