import type { AssetInfo, EntryBody, EntryKind, QrSaleReason } from '@fedow/protocol';
import type { Decline, DeclineCode } from '../decision/authoriser';
import { declineReason, type Language, type QrDeclineCode } from '../reason';
import type { BalanceView } from '../views/card-view';

/**
 * What the till answers the cashier after a tap: an approval with its entries
 * and the card's new balances, or a refusal with words in both languages. Pure
 * builders, so the agent only sequences: decide, commit, then say it.
 */

export type OutcomeCode = DeclineCode | QrSaleReason | QrDeclineCode | 'locked' | 'cancelled' | 'not_paired' | 'journal' | 'no_asset';

export type Outcome =
  | {
      approve: true;
      /** `QRS`: a sale paid by a payment QR code; `card` is then the paying wallet, `entries` is empty (the hub holds the record). */
      kind: EntryKind | 'QRS';
      card: string;
      auth: 'online' | 'offline';
      /** Minor units taken from (sale, refund, void) or put on (top-up, membership) the card. */
      total: number;
      entries: Array<{ seq: number; asset: string | null; amount: number }>;
      /** The card's balances after this decision, in the assets it touched. */
      balances: BalanceView[];
      at: number;
    }
  | {
      approve: false;
      code: OutcomeCode;
      /** Words for the cashier, in the agent's language. */
      reason: string;
      /** The same words in each language, so the till's language key (F9) translates them too. */
      reasons?: Record<Language, string>;
      card?: string;
      missing?: number;
      asset?: string;
      at: number;
    };

/** A refusal before (or instead of) the authoriser: locked, not paired, cancelled, no asset, the journal. */
export function refusedOutcome(code: OutcomeCode, reason: string, at: number, card?: string): Outcome {
  return { approve: false, code, reason, at, ...(card === undefined ? {} : { card }) };
}

/** The authoriser's decline, in the agent's language and in each language (the F9 key translates it). */
export function declinedOutcome(decline: Decline, assets: ReadonlyMap<string, AssetInfo>, language: Language, card: string, at: number): Outcome {
  return {
    approve: false,
    code: decline.code,
    reason: declineReason(decline, assets, language),
    reasons: { en: declineReason(decline, assets, 'en'), fr: declineReason(decline, assets, 'fr') },
    card,
    at,
    // Only a shortfall is a missing amount (the rest can be paid otherwise); an offline cap is not.
    ...(decline.missing === undefined || decline.code !== 'insufficient_funds' ? {} : { missing: decline.missing }),
    ...(decline.asset === undefined ? {} : { asset: decline.asset }),
  };
}

/** The committed entries of one decision, summed, with the balances the card has now. */
export function approvedOutcome(kind: EntryKind, card: string, bodies: readonly EntryBody[], balances: BalanceView[], at: number): Outcome {
  return {
    approve: true,
    kind,
    card,
    auth: bodies[0]!.auth,
    total: bodies.reduce((total, body) => total + body.amount, 0),
    entries: bodies.map((body) => ({ seq: body.seq, asset: body.asset, amount: body.amount })),
    balances,
    at,
  };
}
