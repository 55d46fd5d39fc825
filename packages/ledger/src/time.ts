/**
 * Date arithmetic on RFC 3339 strings given by the caller. Parsing a given time
 * is not reading the clock: the ledger stays a function of its inputs.
 */

export function addDays(at: string, days: number): string {
  return new Date(Date.parse(at) + days * 86_400_000).toISOString();
}

export function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
