/**
 * A till process for e2e-agent-kill.test.ts, meant to be killed with SIGKILL:
 *   node --import tsx test/support/kill-till-main.ts <dataDir> <cashier> <asset> <seed> <card,card,…>
 *
 * The real agent (journal, authoriser, card cache, sync client) on an already
 * paired data directory, a simulator reader, and a stream of top-ups and sales
 * as fast as the journal commits them. It prints `online` when the sync client
 * is welcomed, and `committed <seq>` after each approval — the moment "approved"
 * would be on the screen — so the test knows what the till promised before it died.
 */
import { SimulatorReader } from '@fedow/nfc';
import { openAgent, seededUniform } from '@fedow/terminal';
// Only the terminal's modules: this process starts 50 times, and the hub's would double its start-up.
import { FAST_SYNC } from '../../support/sync-tuning';

const [dataDir, cashier, asset, seed, cardList] = process.argv.slice(2);
if (!dataDir || !cashier || !asset || !seed || !cardList) {
  process.stderr.write('usage: kill-till-main <dataDir> <cashier> <asset> <seed> <cards>\n');
  process.exit(2);
}
const cards = cardList.split(',');
const uniform = seededUniform(seed);
const reader = new SimulatorReader();
const agent = openAgent({ dataDir, reader, syncTuning: FAST_SYNC, language: 'en' });
agent.start();
if (!agent.snapshot().session) reader.tap(cashier);
if (!agent.snapshot().session) {
  process.stderr.write('the cashier card did not open a session\n');
  process.exit(3);
}

let announced = false;
agent.subscribe((event) => {
  if (event.type !== 'state' || announced || event.state.sync.status !== 'online') return;
  announced = true;
  process.stdout.write('online\n');
});

/** One operation per turn of the event loop, so acks and updates are read between them. */
async function operate(): Promise<void> {
  const card = cards[Math.floor(uniform() * cards.length)]!;
  const outcome = uniform() < 0.4 ? await agent.topUp({ amount: 1_000, payment: 'cash', asset }, card) : await agent.sale({ amount: 300 }, card);
  if (outcome.approve) process.stdout.write(`committed ${outcome.entries[outcome.entries.length - 1]!.seq}\n`);
  setImmediate(() => void operate());
}
void operate();
