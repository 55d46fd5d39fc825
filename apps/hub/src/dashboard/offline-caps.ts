import { effectivePolicy } from '../ingest/working-set';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { bodyFacts } from './alerts';
import type { Alert } from './views';

/** Entries of each till looked at: the offline stretches of the last hours of selling. */
const ENTRIES_SCANNED_PER_TILL_MAX = 500;

/**
 * Tills whose offline sales broke the per-card or the exposure cap of their policy
 * (TILL.md). Only the till can enforce them — it knows what it had acknowledged —
 * so the hub looks afterwards: an offline stretch (the entries a till signed
 * offline between two online ones) is what it could not have had acknowledged,
 * so more than `maxOfflineExposure` in one stretch, or more than
 * `maxOfflineCardSpend` on one card in one stretch, was beyond its policy. One
 * alert per till and cap, for the latest stretch that broke it.
 */
export async function offlineCapAlerts(tx: Tx, terminals: readonly repo.Terminal[], places: ReadonlyMap<string, repo.Place>): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const terminal of terminals) {
    const place = places.get(terminal.placeId);
    if (!place) continue;
    const policy = effectivePolicy(place.offlinePolicy, terminal.policyOverrides);
    const entries = (await repo.listLatestEntriesOfTerminal(tx, terminal.id, ENTRIES_SCANNED_PER_TILL_MAX)).reverse();
    const breaches = stretchBreaches(entries, policy.maxOfflineExposure, policy.maxOfflineCardSpend);
    const till = { terminal: { id: terminal.id, name: terminal.name }, placeName: place.name };
    if (breaches.exposure) {
      const { ids, total, at } = breaches.exposure;
      alerts.push({ kind: 'offline_policy', at, ...till, card: null, asset: null, amount: total, reason: 'maxOfflineExposure', entries: { ids } });
    }
    if (breaches.card) {
      const { ids, total, at, card } = breaches.card;
      alerts.push({ kind: 'offline_policy', at, ...till, card, asset: null, amount: total, reason: 'maxOfflineCardSpend', entries: { ids } });
    }
  }
  return alerts;
}

interface Breach {
  ids: string[];
  total: number;
  at: string;
  card: string | null;
}

/** The latest offline stretch beyond each cap, walking one till's entries in seq order. Pure. */
export function stretchBreaches(entries: readonly repo.Entry[], exposureMax: number, cardSpendMax: number): { exposure: Breach | null; card: Breach | null } {
  let exposure: Breach | null = null;
  let card: Breach | null = null;
  let stretch: { ids: string[]; total: number; byCard: Map<string, { ids: string[]; total: number }> } = fresh();
  for (const entry of entries) {
    const facts = bodyFacts(entry.body);
    if (facts.auth !== 'offline') {
      stretch = fresh();
      continue;
    }
    if (facts.kind !== 'SAL' || facts.amount === null || facts.card === null || entry.status !== 'applied') continue;
    stretch.ids.push(entry.id);
    stretch.total += facts.amount;
    const spent = stretch.byCard.get(facts.card) ?? { ids: [], total: 0 };
    spent.ids.push(entry.id);
    spent.total += facts.amount;
    stretch.byCard.set(facts.card, spent);
    if (stretch.total > exposureMax) exposure = { ids: [...stretch.ids], total: stretch.total, at: entry.receivedAt, card: null };
    if (spent.total > cardSpendMax) card = { ids: [...spent.ids], total: spent.total, at: entry.receivedAt, card: facts.card };
  }
  return { exposure, card };
}

function fresh() {
  return { ids: [] as string[], total: 0, byCard: new Map<string, { ids: string[]; total: number }>() };
}
