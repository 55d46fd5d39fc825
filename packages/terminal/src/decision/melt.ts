import { meltDue, nextMelt, NO_ACTIVITY } from '@fedow/ledger';
import type { AssetInfo, CardState } from '@fedow/protocol';
import { formatAmount, type Language } from '../reason';

/**
 * Melting currency at the till (DECISIONS.md): the card's cached balances as
 * the hub would book them now, computed offline with the ledger's own rule
 * from the asset's policy and the balance's last activity (both from the card
 * feed). The till's own pending entries are not activity here: a till may show
 * a little less than the hub will, never more.
 */
export function meltedState(state: CardState | undefined, assets: ReadonlyMap<string, AssetInfo>, now: number): CardState | undefined {
  if (state === undefined || state.activity === undefined) return state;
  const at = new Date(now).toISOString();
  let balances: Record<string, number> | undefined;
  for (const [asset, value] of Object.entries(state.balances)) {
    const melt = assets.get(asset)?.melt;
    if (!melt) continue;
    const due = meltDue(melt.rule, melt.since, value, state.activity[asset] ?? NO_ACTIVITY, at);
    if (due === 0) continue;
    balances ??= { ...state.balances };
    balances[asset] = value - due;
  }
  return balances === undefined ? state : { ...state, balances };
}

/** What melts next on a card's balance and when, in words ("1,96 € will melt on 2026-09-12"), or null. */
export function meltNotice(state: CardState | undefined, asset: AssetInfo | undefined, now: number, language: Language): { at: string; amount: number; text: string } | null {
  const melt = asset?.melt;
  const value = state?.balances[asset?.id ?? ''];
  if (!melt || !asset || value === undefined) return null;
  const next = nextMelt(melt.rule, melt.since, value, state?.activity?.[asset.id] ?? NO_ACTIVITY, new Date(now).toISOString());
  if (next === null) return null;
  const amount = formatAmount(next.amount, asset, language);
  const day = next.at.slice(0, 10);
  return { ...next, text: language === 'fr' ? `${amount} fondront le ${day}` : `${amount} will melt on ${day}` };
}
