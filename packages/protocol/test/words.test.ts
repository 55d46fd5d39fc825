import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { QR_CODE_REFUSALS, RULE_CODES } from '@fedow/protocol';
import {
  DECLINE_WORDS,
  LANGUAGES,
  QR_DECLINE_WORDS,
  decimalAmount,
  declineReason,
  formatAmount,
  groupedAmount,
  isLanguage,
  parseAmount,
  parsePositiveAmount,
  qrDeclineReason,
  type QrDeclineCode,
} from '@fedow/protocol/words';

const EUR = { decimals: 2, currencyCode: 'EUR' };
const MIN = { decimals: 0, currencyCode: 'MIN' };
const PNT = { decimals: 3, currencyCode: 'PNT' };

describe('the words of every decline', () => {
  // Listed from codes.ts, not from the words' own keys: a new code without words fails here.
  it.each(RULE_CODES.flatMap((code) => LANGUAGES.map((language) => [code, language] as const)))('%s has words in %s', (code, language) => {
    expect(DECLINE_WORDS[code]?.[language]?.trim()).toBeTruthy();
    expect(declineReason({ code }, new Map(), language)).toBe(DECLINE_WORDS[code][language]);
  });

  it('says each code differently in French and in English', () => {
    for (const code of RULE_CODES) expect(DECLINE_WORDS[code].fr, code).not.toBe(DECLINE_WORDS[code].en);
  });

  const qrCodes: QrDeclineCode[] = [...QR_CODE_REFUSALS, 'qr_no_sale', 'qr_no_answer', 'qr_offline'];
  it.each(qrCodes.flatMap((code) => LANGUAGES.map((language) => [code, language] as const)))('payment code refusal %s has words in %s', (code, language) => {
    expect(QR_DECLINE_WORDS[code]?.[language]?.trim()).toBeTruthy();
    expect(qrDeclineReason(code, undefined, language)).toBe(QR_DECLINE_WORDS[code][language]);
  });

  it('names the missing amount in the asset’s unit', () => {
    const assets = new Map([['a', { decimals: 2, currencyCode: 'MLA' }]]);
    expect(declineReason({ code: 'insufficient_funds', missing: 240, asset: 'a' }, assets, 'en')).toBe('2.40 MLA missing');
    expect(declineReason({ code: 'insufficient_funds', missing: 240, asset: 'a' }, assets, 'fr')).toBe('Il manque 2,40 MLA');
    expect(declineReason({ code: 'card_blocked', missing: 5, asset: 'a' }, assets, 'en')).toBe('Card blocked: top it up first — 0.05 MLA missing');
    expect(qrDeclineReason('insufficient_funds', { amount: 1250, asset: EUR }, 'fr')).toBe('Il manque 12,50 €');
  });

  it('says a cap as a cap, never as a shortfall', () => {
    const assets = new Map([['a', EUR]]);
    const decline = { code: 'offline_policy_exceeded', missing: 100, asset: 'a', limit: 'maxOfflineCardSpend', cap: 2000 } as const;
    expect(declineReason(decline, assets, 'en')).toBe('Offline limit: 20.00 € per card');
    expect(declineReason({ ...decline, cap: undefined }, assets, 'fr')).toBe('Hors ligne : plafond de la carte atteint — Il manque 1,00 €');
  });

  it('knows its languages', () => {
    expect(LANGUAGES.filter(isLanguage)).toEqual(['en', 'fr']);
    expect(['de', '', null, 'EN'].filter(isLanguage)).toEqual([]);
  });
});

describe('money in words', () => {
  it('writes zero with every decimal', () => {
    expect(formatAmount(0, MIN, 'en')).toBe('0 MIN');
    expect(formatAmount(0, EUR, 'en')).toBe('0.00 €');
    expect(formatAmount(0, PNT, 'fr')).toBe('0,000 PNT');
  });

  it('writes 0, 2 and 3 decimals from minor units', () => {
    expect(formatAmount(1250, MIN, 'fr')).toBe('1250 MIN');
    expect(formatAmount(5, EUR, 'en')).toBe('0.05 €');
    expect(formatAmount(123456, EUR, 'fr')).toBe('1234,56 €');
    expect(formatAmount(1, PNT, 'fr')).toBe('0,001 PNT');
    expect(formatAmount(12345, PNT, 'en')).toBe('12.345 PNT');
  });

  it('writes negative amounts with a leading minus', () => {
    expect(formatAmount(-30, MIN, 'en')).toBe('-30 MIN');
    expect(formatAmount(-5, EUR, 'fr')).toBe('-0,05 €');
    expect(decimalAmount(-100, 2)).toBe('-1.00');
    expect(groupedAmount(-123456789, 2, 'en')).toBe('-1,234,567.89');
  });

  it('writes the largest safe amount exactly, with no float in between', () => {
    expect(formatAmount(Number.MAX_SAFE_INTEGER, EUR, 'en')).toBe('90071992547409.91 €');
    expect(decimalAmount(-Number.MAX_SAFE_INTEGER, 3)).toBe('-9007199254740.991');
    expect(groupedAmount(Number.MAX_SAFE_INTEGER, 0, 'fr')).toBe('9\u202f007\u202f199\u202f254\u202f740\u202f991');
  });

  it('refuses amounts that are not safe integers in minor units', () => {
    for (const amount of [2.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
      expect(() => formatAmount(amount, EUR, 'en'), String(amount)).toThrow(RangeError);
      expect(() => groupedAmount(amount, 2, 'fr'), String(amount)).toThrow(RangeError);
    }
    expect(() => decimalAmount(100, -1)).toThrow(RangeError);
  });

  it('groups thousands as the browser’s en-GB and fr-FR formats do', () => {
    for (const [amount, decimals] of [[0, 2], [999, 0], [1234, 0], [123456789, 2], [-100, 2], [1000000, 3], [5, 3]] as const) {
      for (const [language, locale] of [['en', 'en-GB'], ['fr', 'fr-FR']] as const) {
        const intl = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(amount / 10 ** decimals);
        expect(groupedAmount(amount, decimals, language), `${amount} ${language}`).toBe(intl);
      }
    }
  });

  it('names the currency by its symbol, or by its code', () => {
    expect(formatAmount(100, { decimals: 2, currencyCode: 'USD' }, 'en')).toBe('1.00 $');
    expect(formatAmount(100, { decimals: 2, currencyCode: 'CHF' }, 'fr')).toBe('1,00 CHF');
    expect(formatAmount(100, { decimals: 2, currencyCode: 'MLA' }, 'fr')).toBe('1,00 MLA');
  });
});

describe('money as typed', () => {
  it('reads either separator, spaces and up to the asset\'s decimals, as minor units', () => {
    expect(parseAmount('12,50', 2)).toBe(1250);
    expect(parseAmount('12.5', 2)).toBe(1250);
    expect(parseAmount(' 1 234,5 ', 2)).toBe(123450);
    expect(parseAmount('3', 0)).toBe(3);
    expect(parseAmount('0,125', 3)).toBe(125);
    expect(parseAmount('7.', 2)).toBe(700);
    expect(parseAmount('0', 2)).toBe(0);
  });

  it('refuses more decimals than the asset has, signs, letters and empty text', () => {
    for (const text of ['12,505', '-3', '+3', '3e2', '12,5€', '', ',5', '1.2.3', '0x10']) expect(parseAmount(text, 2), text).toBeNull();
    expect(parseAmount('1,5', 0)).toBeNull();
  });

  it('reads the largest safe amount exactly and refuses one minor unit more, where a float would have rounded', () => {
    expect(parseAmount('90071992547409,91', 2)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseAmount('90071992547409,92', 2)).toBeNull();
    // Math.round(Number('1.005') * 100) is 100: the float reading loses the cent.
    expect(parseAmount('1,005', 3)).toBe(1005);
    expect(parseAmount('0,29', 2)).toBe(29);
  });

  it('leaves zero out of the forms that move money', () => {
    expect(parsePositiveAmount('0,00', 2)).toBeNull();
    expect(parsePositiveAmount('0,01', 2)).toBe(1);
  });
});

describe('the vocabulary in a browser', () => {
  it('bundles for a page without zod or any Node module', async () => {
    // esbuild is the kiosk's and the hub's bundler (a dev tool here, not a protocol dependency).
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/words/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]!.text;
    expect(text).toContain('function formatAmount');
    expect(text).not.toMatch(/zod|node:/);
    expect(text.length).toBeLessThan(20_000);
  });
});
