import { OfflinePolicy, QUARANTINE_FIRST_KEPT_MAX, QUARANTINE_FREEZE_ENTRIES, QUARANTINE_LATEST_KEPT_MAX } from '@fedow/protocol';
import type { HubContext } from '../context';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { offlineCapAlerts } from './offline-caps';
import type { Alert } from './views';

/** Bounds: the page shows what needs a look now, not the whole history. */
export const ALERTS_MAX = 200;
const REJECTED_MAX = 100;
const QUARANTINE_MAX = 20;
const DEBTS_MAX = 50;
const OFFLINE_SALES_SCANNED_MAX = 1_000;
const ENTRIES_PER_DEBT_MAX = 20;
const CORRECTIONS_MAX = 20;
const SHIFTS_MAX = 50;

interface Names {
  terminals: Map<string, repo.Terminal>;
  places: Map<string, repo.Place>;
}

/**
 * Alerts, the newest first: rejected and quarantined entries, tills whose quarantine
 * is full (only its first and latest entries kept) or that were frozen for it, forks (frozen tills),
 * cards in debt, and tills that broke their offline policy — an offline sale refused
 * with `offline_policy_exceeded`, or one applied above the place's `maxOfflineSale`
 * (a till override or a policy lowered since). Each names the entries behind it.
 */
export async function alertList(context: HubContext): Promise<Alert[]> {
  const tx = context.storage.read;
  const names: Names = {
    terminals: new Map((await repo.listTerminals(tx)).map((terminal) => [terminal.id, terminal])),
    places: new Map((await repo.listPlaces(tx)).map((place) => [place.id, place])),
  };
  const alerts = [
    ...(await rejectedAlerts(tx, names)),
    ...(await quarantineAlerts(tx, names)),
    ...quarantineFloodAlerts(names),
    ...forkAlerts(names),
    ...(await debtAlerts(tx)),
    ...(await offlineSaleAlerts(tx, names)),
    ...(await offlineCapAlerts(tx, [...names.terminals.values()], names.places)),
    ...(await correctionAlerts(tx)),
    ...(await shiftAlerts(tx, names)),
  ];
  return alerts.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')).slice(0, ALERTS_MAX);
}

function tillOf(names: Names, terminalId: string): Pick<Alert, 'terminal' | 'placeName'> {
  const terminal = names.terminals.get(terminalId);
  return {
    terminal: { id: terminalId, name: terminal?.name ?? terminalId },
    placeName: terminal ? (names.places.get(terminal.placeId)?.name ?? null) : null,
  };
}

/** The fields of a signed body the alerts show; anything unexpected becomes null. */
export function bodyFacts(text: string): { kind: string | null; card: string | null; asset: string | null; amount: number | null; auth: string | null } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  // A JSON object's keys are strings: reading them as unknown values is safe.
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text_ = (key: string) => {
    const value = record[key];
    return typeof value === 'string' ? value : null;
  };
  const amount = record.amount;
  return { kind: text_('kind'), card: text_('card'), asset: text_('asset'), amount: typeof amount === 'number' && Number.isSafeInteger(amount) ? amount : null, auth: text_('auth') };
}

async function rejectedAlerts(tx: Tx, names: Names): Promise<Alert[]> {
  return (await repo.listRejectedEntries(tx, REJECTED_MAX)).map((entry) => {
    const facts = bodyFacts(entry.body);
    return {
      kind: entry.reason === 'offline_policy_exceeded' ? 'offline_policy' : 'rejected',
      at: entry.receivedAt,
      ...tillOf(names, entry.terminalId),
      card: facts.card,
      asset: facts.asset,
      amount: facts.amount,
      reason: entry.reason,
      entries: { ids: [entry.id] },
    };
  });
}

async function quarantineAlerts(tx: Tx, names: Names): Promise<Alert[]> {
  return (await repo.listRecentQuarantine(tx, QUARANTINE_MAX)).map((row) => {
    const facts = bodyFacts(row.body);
    return { kind: 'quarantined', at: row.receivedAt, ...tillOf(names, row.terminalId), card: facts.card, asset: facts.asset, amount: facts.amount, reason: row.reason, entries: { terminal: row.terminalId } };
  });
}

/** A till frozen for its quarantine, not for a fork. */
function frozenForQuarantine(terminal: repo.Terminal): boolean {
  return terminal.status === 'frozen' && terminal.quarantinedCount >= QUARANTINE_FREEZE_ENTRIES;
}

/** Tills that sent more refused entries than their quarantine keeps: one alert each, with the count. */
function quarantineFloodAlerts(names: Names): Alert[] {
  return [...names.terminals.values()]
    .filter((terminal) => terminal.quarantinedCount > QUARANTINE_FIRST_KEPT_MAX + QUARANTINE_LATEST_KEPT_MAX || frozenForQuarantine(terminal))
    .map((terminal) => ({
      kind: 'quarantine_flood',
      at: terminal.lastSeenAt,
      ...tillOf(names, terminal.id),
      card: null,
      asset: null,
      amount: null,
      reason: frozenForQuarantine(terminal) ? 'quarantine_frozen' : 'quarantine_full',
      count: terminal.quarantinedCount,
      entries: { terminal: terminal.id },
    }));
}

function forkAlerts(names: Names): Alert[] {
  return [...names.terminals.values()]
    .filter((terminal) => terminal.status === 'frozen' && !frozenForQuarantine(terminal))
    .map((terminal) => ({ kind: 'fork', at: terminal.lastSeenAt, ...tillOf(names, terminal.id), card: null, asset: null, amount: null, reason: 'fork', entries: { terminal: terminal.id } }));
}

async function debtAlerts(tx: Tx): Promise<Alert[]> {
  const debts = await repo.listDebts(tx, DEBTS_MAX);
  const cards = await repo.cardsOfWallets(tx, debts.map((debt) => debt.walletId));
  const alerts: Alert[] = [];
  for (const debt of debts) {
    const entries = await repo.listSaleEntriesOfWallet(tx, debt.walletId, debt.assetId, ENTRIES_PER_DEBT_MAX);
    const latest = entries[0];
    alerts.push({
      kind: 'debt',
      at: latest?.receivedAt ?? null,
      terminal: null,
      placeName: null,
      card: cards.get(debt.walletId)?.[0]?.firstTagId ?? null,
      asset: debt.assetId,
      amount: debt.value,
      reason: 'card_blocked',
      entries: { ids: entries.map((entry) => entry.id) },
    });
  }
  return alerts;
}

/** Applied offline sales above the cap of the till's place (refused ones are already rejected alerts). */
async function offlineSaleAlerts(tx: Tx, names: Names): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const entry of await repo.listOfflineSales(tx, OFFLINE_SALES_SCANNED_MAX)) {
    if (entry.status !== 'applied') continue;
    const facts = bodyFacts(entry.body);
    const place = names.places.get(names.terminals.get(entry.terminalId)?.placeId ?? '');
    const cap = place ? maxOfflineSale(place) : null;
    if (facts.kind !== 'SAL' || facts.auth !== 'offline' || facts.amount === null || cap === null || facts.amount <= cap) continue;
    alerts.push({ kind: 'offline_policy', at: entry.receivedAt, ...tillOf(names, entry.terminalId), card: facts.card, asset: facts.asset, amount: facts.amount, reason: 'maxOfflineSale', entries: { ids: [entry.id] } });
  }
  return alerts;
}

/**
 * Applied corrections (a COR, or a balance set back to the replay by `verify
 * --apply`): money that moved by an operator's hand, with who and why. The amount
 * is what the wallet gained (negative for a debit).
 */
/**
 * Cashier shifts closed with a cash difference beyond their place's threshold
 * (DECISIONS.md, "Cashier shifts"): `amount` is the difference in euro cents
 * (negative: cash missing), `card` the cashier, the entries its opening and close.
 */
async function shiftAlerts(tx: Tx, names: Names): Promise<Alert[]> {
  return (await repo.listShiftAlerts(tx, SHIFTS_MAX)).map((shift) => ({
    kind: 'shift',
    at: shift.closedAt,
    ...tillOf(names, shift.terminalId),
    card: shift.closedBy ?? shift.cashier,
    asset: null,
    amount: shift.difference,
    reason: 'shift_difference',
    entries: { terminal: shift.terminalId },
  }));
}

async function correctionAlerts(tx: Tx): Promise<Alert[]> {
  const rows = await repo.listRequests(tx, { kind: 'correction', limit: CORRECTIONS_MAX });
  return rows
    .filter((row) => row.status === 'applied')
    .map((row) => {
      const body = correctionFacts(row.body);
      return {
        kind: 'correction',
        at: row.receivedAt,
        terminal: null,
        placeName: null,
        card: null,
        asset: body.asset,
        amount: body.gain,
        reason: 'correction',
        entries: { audit: `kind=correction&actor=${encodeURIComponent(row.actor)}` },
        operator: row.actor,
        note: body.reason ?? '',
      };
    });
}

function correctionFacts(text: string): { asset: string | null; gain: number | null; reason: string | null } {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    // A JSON object's keys are strings: reading them as unknown values is safe.
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = {};
  }
  const number = (key: string) => (typeof body[key] === 'number' ? (body[key] as number) : null);
  const amount = number('amount');
  const stored = number('stored');
  const replayed = number('replayed');
  const gain = amount !== null ? (body.direction === 'debit' ? -amount : amount) : stored !== null && replayed !== null ? replayed - stored : null;
  return { asset: typeof body.asset === 'string' ? body.asset : null, gain, reason: typeof body.reason === 'string' ? body.reason : null };
}

export function maxOfflineSale(place: repo.Place): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(place.offlinePolicy);
  } catch {
    return null;
  }
  const policy = OfflinePolicy.safeParse(parsed);
  return policy.success ? policy.data.maxOfflineSale : null;
}
