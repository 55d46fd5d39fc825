import { firstTagIdOf } from '@fedow/ledger';

/**
 * Card identity at the till (DESIGN.md, "Card identity"). The first 4 UID bytes
 * are the ledger's `firstTagIdOf` (one definition for hub and till): the hub keeps
 * them unique across cards, so two UIDs with the same first 4 bytes are the same
 * card seen through readers (or imports) that keep only 4 bytes.
 */
export function sameCard(a: string, b: string): boolean {
  return firstTagIdOf(a) === firstTagIdOf(b);
}
