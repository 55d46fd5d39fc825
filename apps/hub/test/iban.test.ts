import { describe, expect, it } from 'vitest';
import { normaliseIban } from '../src/money/iban';

describe('IBAN checks (ISO 13616)', () => {
  it('accepts valid IBANs of several countries, and gives them back without spaces', () => {
    for (const iban of [
      'FR1420041010050500013M02606',
      'DE89370400440532013000',
      'BE68539007547034',
      'NL91ABNA0417164300',
      'ES9121000418450200051332',
      'IT60X0542811101000000123456',
      'GB82WEST12345698765432',
      'CH9300762011623852957',
      'NO9386011117947',
      'MT84MALT011000012345MTLCAST001S',
    ]) {
      expect(normaliseIban(iban), iban).toBe(iban);
    }
  });

  it('takes spaces, dashes and lower case as a person types them', () => {
    expect(normaliseIban(' fr14 2004 1010 0505 0001 3m02 606 ')).toBe('FR1420041010050500013M02606');
    expect(normaliseIban('DE89-3704-0044-0532-0130-00')).toBe('DE89370400440532013000');
  });

  it('refuses a bad checksum', () => {
    expect(normaliseIban('FR1520041010050500013M02606')).toBeNull();
    expect(normaliseIban('DE89370400440532013001')).toBeNull();
    // Two digits swapped: what mod 97 exists to catch.
    expect(normaliseIban('DE89370400440532031000')).toBeNull();
  });

  it('refuses a wrong length for the country, an unknown country and garbage', () => {
    expect(normaliseIban('FR1420041010050500013M0260')).toBeNull();
    expect(normaliseIban('DE8937040044053201300')).toBeNull();
    expect(normaliseIban('US12345678901234567890')).toBeNull();
    expect(normaliseIban('FR14 2004 1010 0505 0001 3M02 60!')).toBeNull();
    expect(normaliseIban('')).toBeNull();
  });
});
