/**
 * `firstTagId`: the first 4 UID bytes, uppercase hex (DESIGN.md, "Card identity").
 * The hub keeps it unique across cards, so two UIDs with the same first 4 bytes
 * are the same card seen through readers (or imports) that keep only 4 bytes.
 */
export function firstTagId(uid: string): string {
  return uid.slice(0, 8);
}

export function sameCard(a: string, b: string): boolean {
  return firstTagId(a) === firstTagId(b);
}
