/**
 * Put a virtual card on a vpcd reader from a shell:
 *   node --import tsx hardware/src/cli.ts insert --uid 04A1B2C3 [--port 35963] [--host 127.0.0.1] [--seconds N]
 * The card stays until --seconds have passed, or until Ctrl-C / SIGTERM without it.
 * Exit codes: 0 done, 1 vpcd unreachable or connection lost early, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { VPCD_PORT_DEFAULT, parseUid } from './vpcd-protocol';
import { insertCard } from './virtual-card';

const USAGE = 'usage: cli.ts insert --uid <hex, 4/7/10 bytes> [--port 35963] [--host 127.0.0.1] [--seconds N]';

type Command = { uid: string; host: string; port: number; seconds: number | null };

function parseCommand(argv: string[]): { ok: true; command: Command } | { ok: false; reason: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { uid: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, seconds: { type: 'string' } },
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'insert') return { ok: false, reason: 'the only command is "insert"' };
  if (!values.uid) return { ok: false, reason: '--uid is required' };
  const uid = parseUid(values.uid);
  if (!uid.ok) return { ok: false, reason: uid.reason };
  const port = values.port === undefined ? VPCD_PORT_DEFAULT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, reason: `--port ${values.port} is not a TCP port` };
  const seconds = values.seconds === undefined ? null : Number(values.seconds);
  if (seconds !== null && !(seconds > 0)) return { ok: false, reason: `--seconds ${values.seconds} is not a positive number` };
  return { ok: true, command: { uid: values.uid, host: values.host ?? '127.0.0.1', port, seconds } };
}

async function main(): Promise<number> {
  const parsed = parseCommand(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.reason}\n${USAGE}`);
    return 2;
  }
  const { uid, host, port, seconds } = parsed.command;
  let card;
  try {
    card = await insertCard({ uid, host, port });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  console.log(`card ${card.uid} on ${host}:${port}${seconds === null ? ' until Ctrl-C' : ` for ${seconds} s`}`);
  const removedByUs = await new Promise<boolean>((resolve) => {
    const timer = seconds === null ? null : setTimeout(() => resolve(true), seconds * 1000);
    const stop = () => resolve(true);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void card.closed.then(() => {
      if (timer) clearTimeout(timer);
      resolve(false);
    });
  });
  await card.remove();
  if (!removedByUs) {
    console.error('vpcd closed the connection (pcscd stopped?)');
    return 1;
  }
  console.log(`card ${card.uid} removed`);
  return 0;
}

process.exitCode = await main();
// Signal listeners and a finished socket must not keep the process alive.
process.exit();
