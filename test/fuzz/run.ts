/**
 * The long fuzzing campaign (issue 15, part 2): `npm run fuzz -- --admin 60000 --sync 40000 --seed 1`.
 * Runs on a hub with a SQLite file, prints a progress bar, the outcomes and the
 * time taken; a failure prints fast-check's seed and case, and exits 1.
 */
import { parseArgs } from 'node:util';
import { factoryCsv, removeTestDirs, seedPlace, startTestHub } from '../../apps/hub/test/admin-support';
import { seedHub } from '../../support/seed';
import { fuzzAdminApi } from './admin-fuzz';
import { SyncFuzzer } from './sync-fuzz';

const { values } = parseArgs({ options: { admin: { type: 'string', default: '10000' }, sync: { type: 'string', default: '2000' }, seed: { type: 'string', default: String(Date.now() % 1_000_000) } } });
const seed = Number(values.seed);

function progress(label: string, total: number): (done: number) => void {
  let shown = -1;
  return (done) => {
    const percent = Math.floor((done * 100) / total);
    if (percent === shown) return;
    shown = percent;
    if (process.stderr.isTTY) {
      const filled = Math.round(percent / 100 * 30);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total} ${percent}%${done === total ? '\n' : ''}`);
    } else if (percent % 10 === 0) process.stderr.write(`${label} ${done}/${total} (${percent}%)\n`);
  };
}

async function admin(cases: number): Promise<void> {
  const hub = await startTestHub();
  try {
    const { place, asset } = await seedPlace(hub, 'Bar du Port');
    await seedPlace(hub, 'Café Nord');
    await hub.call('POST', `/api/v1/cards/import?place=${place.id}&generation=1`, factoryCsv(8, 0x04a00000), { 'content-type': 'text/csv' });
    const tags = Array.from({ length: 8 }, (_, index) => (0x04a00000 + index).toString(16).toUpperCase().padStart(8, '0'));
    for (const [index, tag] of tags.entries()) await hub.call('POST', '/api/v1/topups', { card: tag, asset: asset.id, amount: 5_000 }, { 'idempotency-key': `seed-${index}` });
    const started = performance.now();
    const report = await fuzzAdminApi(hub, { cases, seed, tags, onProgress: progress('admin API', cases) });
    console.log(`admin API: ${report.cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, seed ${seed}, 0 failures; answers ${JSON.stringify(report.statuses)}`);
  } finally {
    await hub.close();
    removeTestDirs();
  }
}

async function sync(cases: number): Promise<void> {
  const world = await seedHub();
  const fuzzer = new SyncFuzzer(world, await listen(world.hub.app));
  try {
    await fuzzer.start();
    const started = performance.now();
    const report = await fuzzer.run({ cases, seed, onProgress: progress('/sync', cases) });
    console.log(`/sync: ${report.cases} cases in ${((performance.now() - started) / 1000).toFixed(0)} s, seed ${seed}, 0 failures; outcomes ${JSON.stringify(report.outcomes)}`);
  } finally {
    fuzzer.stop();
    await world.close();
  }
}

async function listen(app: Awaited<ReturnType<typeof seedHub>>['hub']['app']): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sync`;
}

try {
  if (Number(values.admin) > 0) await admin(Number(values.admin));
  if (Number(values.sync) > 0) await sync(Number(values.sync));
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  // fast-check's report names the case; what the check said about it is its cause.
  if (error instanceof Error && error.cause) console.error('caused by:', error.cause instanceof Error ? error.cause.message : error.cause);
  console.error(`replay: npm run fuzz -- --admin ${values.admin} --sync ${values.sync} --seed ${seed}`);
  process.exit(1);
}
