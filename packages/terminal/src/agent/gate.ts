import type { SyncAlert } from '../sync/sync-client';
import { sameCard } from '../card-uid';
import type { Language } from '../reason';
import type { Session } from '../store/session';

/**
 * Who may act at the till now, pure: an unpaired till refuses everything, a
 * locked one everything but a cashier card; which card opens a session; the
 * alerts an operator still sees; and the agent's own refusal words. The agent
 * (agent.ts and its parts) reads the facts and follows these answers.
 */

export type GateRefusal = 'not_paired' | 'locked';

/** An action needs a paired till and an open session. */
export function gate(paired: boolean, session: Session | null): { ok: true; session: Session } | { ok: false; code: GateRefusal } {
  if (!paired) return { ok: false, code: 'not_paired' };
  if (!session) return { ok: false, code: 'locked' };
  return { ok: true, session };
}

export type UnlockVerdict = { ok: true; open: boolean } | { ok: false; code: 'not_paired' | 'invalid_primary_card' };

/** A primary card of the place unlocks; `open` says whether a new session starts (not the same cashier again). */
export function unlockVerdict(paired: boolean, primaries: Iterable<string>, primary: string, current: Session | null): UnlockVerdict {
  if (!paired) return { ok: false, code: 'not_paired' };
  if (![...primaries].some((uid) => sameCard(uid, primary))) return { ok: false, code: 'invalid_primary_card' };
  return { ok: true, open: !current || !sameCard(current.primary, primary) };
}

export const ALERTS_KEPT = 20;

/** The alerts kept for the snapshot once `alert` arrived: the latest ALERTS_KEPT. */
export function keptAlerts(alerts: readonly SyncAlert[], alert: SyncAlert): SyncAlert[] {
  return [...alerts, alert].slice(-ALERTS_KEPT);
}

const WORDS: Record<'not_paired' | 'locked' | 'cancelled' | 'no_asset' | 'invalid_primary_card', Record<Language, string>> = {
  not_paired: { en: 'This till is not paired with a hub', fr: "Cette caisse n'est pas appairée à un hub" },
  locked: { en: 'Tap your cashier card', fr: 'Badgez votre carte caissier' },
  cancelled: { en: 'Cancelled', fr: 'Annulé' },
  no_asset: { en: 'No currency of this place for this', fr: 'Aucune monnaie de ce lieu pour cela' },
  invalid_primary_card: { en: 'This cashier card is not valid here', fr: 'Carte caissier non valable ici' },
};

export function words(language: Language, key: keyof typeof WORDS): string {
  return WORDS[key][language];
}
