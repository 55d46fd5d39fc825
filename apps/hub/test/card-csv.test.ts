/** The factory CSV: strict, line-numbered, and a header only when it is one (issue 16). */
import { describe, expect, it } from 'vitest';
import { parseCardCsv } from '../src/directory/card-csv';

const LINE = (n: number) => `https://tibillet.coop/qr/0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, '0')},${String(n).padStart(8, '0')},${(0x0a000000 + n).toString(16).toUpperCase().padStart(8, '0')}`;

describe('the factory CSV', () => {
  it('skips a header of three column names, in any language', () => {
    for (const header of ['qr_url,number,tag_id', 'QR code,Numéro,UID', '"qr_url","number","tag_id"']) {
      const parsed = parseCardCsv(`${header}\n${LINE(1)}\n${LINE(2)}\n`);
      expect(parsed).toMatchObject({ ok: true, header: true });
      expect(parsed.ok && parsed.cards.map((card) => card.line)).toEqual([2, 3]);
    }
    expect(parseCardCsv(`${LINE(1)}\n`)).toMatchObject({ ok: true, header: false });
  });

  it('refuses a broken first line with its number instead of taking it for a header', () => {
    const broken = LINE(1).replace('00000001,', '0000001,').replace('/qr/0190a0b0-0000-7000-8000-000000000001', '/qr/0190a0b0-0000-7000-8000-00000000001');
    expect(parseCardCsv(`${broken}\n${LINE(2)}\n`)).toMatchObject({ ok: false, line: 1 });
    expect(parseCardCsv(`qr_url;number;tag_id\n${LINE(2)}\n`)).toMatchObject({ ok: false, line: 1 });
    expect(parseCardCsv(`qr_url,number,tag_id\n${LINE(2)}\nnot,a,card\n`)).toMatchObject({ ok: false, line: 3 });
  });
});
