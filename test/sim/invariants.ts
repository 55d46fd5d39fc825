import { showCard } from '../../apps/hub/src/directory/cards';
import * as repo from '../../apps/hub/src/storage/repo';
import { verifyChain } from '../../apps/hub/src/verify/verify-chain';
import { journalEntries } from '../../support/e2e';
import { SIM_POLICY, type SimWorld } from './world';

/**
 * What must hold after any schedule, besides LEDGER.md's invariants (which
 * `fedow verify` replays): every entry a till committed is on the hub exactly
 * once, applied or rejected with a reason; once the network heals, every
 * till's card cache agrees with the hub; and offline debt stays within what
 * the caps allow.
 */

export async function checkLedger(world: SimWorld, when: string): Promise<void> {
  const verdict = await verifyChain(world.hub.context);
  if (verdict.firstDiscrepancy) throw new Error(`fedow verify fails ${when}: ${JSON.stringify(verdict.firstDiscrepancy)}`);
}

export async function checkTillsStored(world: SimWorld): Promise<void> {
  for (const till of world.tills) {
    const identity = till.agent.journal.identity();
    if (!identity) throw new Error(`${till.name} lost its identity`);
    const journal = journalEntries(till.agent);
    const stored = await repo.listEntries(world.hub.context.storage.read, identity.terminal, 0, 1_000_000);
    if (stored.length !== journal.length) throw new Error(`${till.name}: the journal holds ${journal.length} entries, the hub ${stored.length}`);
    for (const [index, entry] of journal.entries()) {
      const row = stored[index]!;
      if (row.seq !== entry.seq || row.id !== entry.id || row.hash !== entry.hash) throw new Error(`${till.name}: seq ${entry.seq} differs on the hub (${row.seq} ${row.id})`);
      if (row.status !== 'applied' && !(row.status === 'rejected' && row.reason)) throw new Error(`${till.name}: seq ${entry.seq} is ${row.status} without a reason`);
    }
  }
}

export async function checkConvergence(world: SimWorld): Promise<void> {
  const asset = world.fixture.local;
  const debtFloor = -world.tills.length * SIM_POLICY.maxOfflineCardSpend;
  for (const card of world.fixture.cards) {
    const hub = (await showCard(world.hub.context, card)).balances[asset] ?? 0;
    if (hub < debtFloor) throw new Error(`card ${card} owes ${-hub}, beyond ${world.tills.length} tills × the offline cap per card`);
    for (const till of world.tills) {
      const cached = till.agent.cache.lookup(card);
      if (!cached) {
        if (hub !== 0) throw new Error(`${till.name} does not know card ${card}, whose balance is ${hub}`);
        continue;
      }
      const value = cached.state.balances[asset] ?? 0;
      if (value !== hub) throw new Error(`${till.name} sees ${value} on card ${card}, the hub ${hub}`);
    }
  }
}

