/**
 * IBAN checks (ISO 13616): country, length per country for the SEPA countries, and
 * the mod-97 checksum. A payout never goes to a mistyped account.
 */

/** Lengths of the SEPA countries' IBANs. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GI: 23, GR: 27,
  HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24,
  SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

/** The IBAN without spaces, upper case; null when its country, length or checksum is wrong. */
export function normaliseIban(input: string): string | null {
  const iban = input.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(iban)) return null;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return null;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1 ? iban : null;
}

/** The remainder of the number spelled by letters as 10..35 and digits, modulo 97, digit by digit. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}
