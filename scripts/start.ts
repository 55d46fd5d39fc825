/**
 * `npm start`: the hub on embedded SQLite (fedow.sqlite and hub.key in FEDOW_DATA_DIR,
 * default ./data, unless DATABASE_URL says otherwise) with the demo federation of fixtures/demo and three simulated
 * tills selling and topping up through the real agent, the real /sync protocol
 * and the real ledger. Prints the address, the dashboard and the operator token.
 * `FEDOW_DEMO_TILLS=0 npm start` runs the hub and the demo data without tills.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHub, configFromEnv, createPairingCode, hashToken, iso, newOperatorToken, repo } from '@fedow/hub';
import { DATABASE_FILE_NAME, startSimulatedTill, type SimulatedTill } from '@fedow/terminal';
import { demoCsv, readDemoFixture, seedDemo } from './demo/seed';

const DATA_DIR = process.env.FEDOW_DATA_DIR ?? 'data';
const config = configFromEnv(process.env, { log: (process.env.LOG_LEVEL as 'info') || 'warn' });
mkdirSync(DATA_DIR, { recursive: true });

const hub = await buildHub(config);
// A new database means a new hub: tills paired with the old one would be refused, so
// starting afresh starts the demo tills afresh too.
if (hub.identity.operatorToken) rmSync(join(DATA_DIR, 'tills'), { recursive: true, force: true });
const fixture = readDemoFixture();
const { created, places } = await seedDemo(hub.context, fixture);
const token = await demoToken(hub.identity.operatorToken);
const address = await hub.app.listen({ host: config.host, port: config.port });

const tills: SimulatedTill[] = [];
if (process.env.FEDOW_DEMO_TILLS !== '0') {
  const visitors = demoCsv().visitors.map((line) => line.split(',')[2]!).slice(0, fixture.demoCards);
  for (const till of fixture.tills) {
    const dataDir = join(DATA_DIR, 'tills', till.name.normalize('NFD').replace(/[^\w]+/g, '-').toLowerCase());
    const paired = existsSync(join(dataDir, DATABASE_FILE_NAME));
    const code = paired ? undefined : (await createPairingCode(hub.context, { place: places.get(till.place)!, name: till.name })).code;
    tills.push(await startSimulatedTill({ hubUrl: address, code, profile: till.profile, cards: visitors, rate: till.rate, name: till.name, primary: till.cashier, dataDir, seed: till.name }));
  }
}

console.log(`
  Fedow hub          ${address}   (database ${hub.context.storage.label}${created ? ', demo federation created' : ''})
  Dashboard          ${address}/dashboard
  Operator token     ${token}
  Admin API          ${address}/api/docs
  Simulated tills    ${tills.length ? fixture.tills.map((till) => till.name).join(', ') : 'none (FEDOW_DEMO_TILLS=0)'}

  Ctrl+C stops everything; the data stays in ${DATA_DIR}/ for the next start.
`);

const status = setInterval(() => {
  const line = tills
    .map((till) => {
      const state = till.state();
      return `${state.name}: ${state.status}, ${state.approved} ok / ${state.declined} declined, sync ${state.sync?.status ?? '—'} (${state.sync?.pendingCount ?? 0} waiting)`;
    })
    .join(' | ');
  if (line) console.log(`[${iso(new Date()).slice(11, 19)}] ${line}`);
}, 10_000);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(status);
  await Promise.all(tills.map((till) => till.stop()));
  await hub.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

/**
 * The demo keeps its operator token in a 0600 file so every `npm start` can show it.
 * (`fedow serve` shows a new hub's token once and keeps only its hash.)
 */
async function demoToken(firstStart: string | null): Promise<string> {
  const file = join(DATA_DIR, 'demo-operator-token');
  if (firstStart) {
    writeFileSync(file, `${firstStart}\n`, { mode: 0o600 });
    return firstStart;
  }
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (await repo.getOperatorToken(hub.context.storage.read, hashToken(saved))) return saved;
  }
  const fresh = newOperatorToken();
  await hub.context.storage.transaction((tx) => repo.insertOperatorToken(tx, { hash: hashToken(fresh), label: 'npm start', createdAt: iso(new Date()) }));
  writeFileSync(file, `${fresh}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return fresh;
}
