import { z } from 'zod';
import { Amount, Timestamp, Uuid } from './primitives';

/**
 * Melting currency ("monnaie fondante", DECISIONS.md): how an inactive balance
 * of a local or time asset loses value. One rule per asset; every figure is an
 * integer (basis points, days, months of 30 days, minor units).
 */
export const MELT_RULES = ['rate', 'fixed', 'expiry'] as const;
export const MELT_CATEGORIES = ['TLF', 'TNF', 'TIM'] as const;
/** A melt month: 30 days, so that the rules do not depend on a calendar. */
export const MELT_MONTH_DAYS = 30;
const MONTHS_MAX = 120;

export const MeltRule = z.discriminatedUnion('rule', [
  /** `basisPoints` / 10,000 of what is left, once `afterDays` of inactivity passed, then every month. */
  z.strictObject({ rule: z.literal('rate'), basisPoints: z.number().int().min(1).max(10_000), afterDays: z.number().int().min(1).max(MONTHS_MAX * MELT_MONTH_DAYS) }),
  /** `amount` minor units once `afterMonths` of inactivity passed, then every month, never below zero. */
  z.strictObject({ rule: z.literal('fixed'), amount: Amount.min(1), afterMonths: z.number().int().min(1).max(MONTHS_MAX) }),
  /** The whole balance once `afterMonths` of inactivity passed. */
  z.strictObject({ rule: z.literal('expiry'), afterMonths: z.number().int().min(1).max(MONTHS_MAX) }),
]);
export type MeltRule = z.infer<typeof MeltRule>;

/** A version of an asset's melt policy: `rule` null is "off" from `since`. */
export const MeltPolicy = z.strictObject({
  id: Uuid,
  asset: Uuid,
  rule: MeltRule.nullable(),
  /** The wallet melted money goes to: the asset origin's melt wallet. */
  wallet: Uuid,
  /** Inactivity is counted from this time at the earliest: turning melting on takes nothing already dormant. */
  since: Timestamp,
});
export type MeltPolicy = z.infer<typeof MeltPolicy>;

/** What tills are told about an asset's melting (sync `update.assets[].melt`). */
export const MeltInfo = z.strictObject({ rule: MeltRule, since: Timestamp });
export type MeltInfo = z.infer<typeof MeltInfo>;

/** A balance's last activity, as tills and the API show it with the balance. */
export const BalanceActivity = z.strictObject({
  /** Hub time of the last transfer other than a melt that changed the balance; null before melting was tracked. */
  at: Timestamp.nullable(),
  /** Melted since then, in minor units. */
  melted: Amount,
});
export type BalanceActivity = z.infer<typeof BalanceActivity>;

/** The admin API's and CLI's body to set an asset's melting. */
export const MeltSet = z.strictObject({ rule: MeltRule.nullable() });
export type MeltSet = z.infer<typeof MeltSet>;

/** The admin API's body to preview a rule over the last 12 months. */
export const MeltPreviewBody = z.strictObject({ rule: MeltRule });
export type MeltPreviewBody = z.infer<typeof MeltPreviewBody>;
