/**
 * A simulated till from the command line:
 *   node --import tsx packages/terminal/src/simulation/simulated-till-main.ts \
 *     --hub http://127.0.0.1:8442 --code XXXXXXXX --profile bar|topup \
 *     --cards fixtures/demo/cards.csv --rate 2 [--name "Bar 2"] [--data-dir DIR] [--seed S] [--seconds N]
 * Prints a one-line status every 5 s; stops on Ctrl-C (or after --seconds).
 */
import { parseArgs } from 'node:util';
import { readCardsCsv, startSimulatedTill, type SimulatedProfile } from './simulated-till';

const USAGE = 'usage: simulated-till-main --hub URL [--code CODE] --profile bar|topup --cards CSV [--rate N] [--name NAME] [--data-dir DIR] [--seed S] [--seconds N]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      hub: { type: 'string' },
      code: { type: 'string' },
      profile: { type: 'string', default: 'bar' },
      cards: { type: 'string', default: 'fixtures/demo/cards.csv' },
      rate: { type: 'string', default: '2' },
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      seconds: { type: 'string' },
      primary: { type: 'string' },
    },
  });
  const profile = values.profile;
  const rate = Number(values.rate);
  if (!values.hub || (profile !== 'bar' && profile !== 'topup') || !(rate > 0)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const till = await startSimulatedTill({
    hubUrl: values.hub,
    profile: profile satisfies SimulatedProfile,
    cards: readCardsCsv(values.cards),
    rate,
    ...(values.code ? { code: values.code } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
    ...(values.primary ? { primary: values.primary } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (till.state().status === 'failed') {
    await till.stop();
    return 1;
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (values.seconds) setTimeout(done, Number(values.seconds) * 1_000);
  });
  await till.stop();
  const state = till.state();
  process.stdout.write(`[${state.name}] stopped: ${state.approved} ok, ${state.declined} declined, pending ${state.sync?.pendingCount ?? '?'}, data ${state.dataDir}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
