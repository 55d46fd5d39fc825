import { describe, expect, it } from 'vitest';
import { CONTACTLESS_ATR_HEX, FrameDecoder, answer, encodeFrame, parseUid, type CardModel } from '../src';

const card: CardModel = {
  uid: Buffer.from('04A1B2C3', 'hex'),
  atr: Buffer.from(CONTACTLESS_ATR_HEX, 'hex'),
  pages: Buffer.from(Array.from({ length: 16 }, (_, index) => index)),
};
const hex = (buffer: Buffer | null) => buffer?.toString('hex').toUpperCase() ?? null;

describe('vpcd framing', () => {
  it('encodes a 2-byte big-endian length before the payload', () => {
    expect(hex(encodeFrame(Buffer.alloc(0x0102, 0xaa)).subarray(0, 3))).toBe('0102AA');
  });

  it('decodes frames split across chunks and merged into one chunk', () => {
    const stream = Buffer.concat([encodeFrame(Buffer.from([0x04])), encodeFrame(Buffer.from('FFCA000000', 'hex'))]);
    const byByte = new FrameDecoder();
    const frames = [...stream].flatMap((byte) => byByte.push(Buffer.from([byte])));
    expect(frames.map(hex)).toEqual(['04', 'FFCA000000']);
    expect(byByte.bufferedBytes).toBe(0);
    expect(new FrameDecoder().push(stream).map(hex)).toEqual(['04', 'FFCA000000']);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from('0005FFCA', 'hex'))).toEqual([]);
    expect(decoder.push(Buffer.from('000000', 'hex')).map(hex)).toEqual(['FFCA000000']);
  });
});

describe('virtual card answers', () => {
  it('answers 04 with the ATR and stays silent on power off, power on and reset', () => {
    expect(hex(answer(card, Buffer.from([0x04])))).toBe(CONTACTLESS_ATR_HEX);
    for (const command of [0x00, 0x01, 0x02]) expect(answer(card, Buffer.from([command]))).toBeNull();
  });

  it('answers FF CA 00 00 00 with the UID and 9000', () => {
    expect(hex(answer(card, Buffer.from('FFCA000000', 'hex')))).toBe('04A1B2C39000');
  });

  it('reads pages with FF B0 00 pp nn and refuses reads past the end', () => {
    expect(hex(answer(card, Buffer.from('FFB0000108', 'hex')))).toBe('0405060708090A0B9000');
    expect(hex(answer(card, Buffer.from('FFB0000308', 'hex')))).toBe('6B00');
    expect(hex(answer(card, Buffer.from('FFB0000400', 'hex')))).toBe('6B00');
  });

  it('answers anything else with 6A81', () => {
    for (const apdu of ['FFCA010000', '00A4040007D2760000850101', 'FFD6000104DEADBEEF', 'FF00']) {
      expect(hex(answer(card, Buffer.from(apdu, 'hex')))).toBe('6A81');
    }
  });
});

describe('UID arguments', () => {
  it('accepts 4, 7 and 10 bytes in any case, with colons or spaces', () => {
    for (const uid of ['04a1b2c3', '04:A1:B2:C3:D4:E5:F6', '00 11 22 33 44 55 66 77 88 99']) expect(parseUid(uid).ok).toBe(true);
  });

  it('refuses other lengths and non-hex text', () => {
    for (const uid of ['', '04A1B2', '04A1B2C3D4', '04A1B2C', 'XYZ12345', '00112233445566778899AA']) {
      expect(parseUid(uid).ok, uid).toBe(false);
    }
  });
});
