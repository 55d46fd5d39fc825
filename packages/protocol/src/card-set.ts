/**
 * The set of every card a till's federation knows (issue 16.1), so that
 * "unknown card" at a till means unknown to the hub: a card imported but never
 * used is a known card with no balance ("4.50 LAC missing"), and a top-up the hub
 * would refuse (`unknown_card`, the place does not enroll unknown cards) is
 * refused before the cash is taken.
 *
 * Compact: each card is its first tag id (the first 4 UID bytes), sent as 4
 * binary bytes, sorted, in base64 — 100,000 cards are ~530 KB in one part. The
 * hub sends the whole set after `welcome`, and again when it changes (a card
 * batch imported); the till replaces its set when the last part arrives.
 */
import { z } from 'zod';

export const CARD_SET_TAGS_PER_PART = 100_000;

export const CardSetMessage = z.strictObject({
  type: z.literal('card-set'),
  part: z.number().int().min(1),
  parts: z.number().int().min(1),
  /** Cards in the whole set, every part together. */
  count: z.number().int().min(0),
  /** The place enrolls unknown cards at their first top-up or membership (the hub accepts them). */
  enrolls: z.boolean(),
  /** Sorted 4-byte first tag ids, concatenated, base64. */
  tags: z
    .string()
    .max(Math.ceil((CARD_SET_TAGS_PER_PART * 4) / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
});
export type CardSetMessage = z.infer<typeof CardSetMessage>;
