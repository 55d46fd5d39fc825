import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodePayToken, encodePayToken, PAY_TOKEN_PREFIX, type PayToken } from '../src/pay-token';

const token: PayToken = {
  body: {
    purpose: 'fedow-pay-token',
    v: 1,
    wallet: '0f8e2c1a-7b3d-4e5f-9a0b-1c2d3e4f5a6b',
    nonce: '00112233445566778899aabbccddeeff',
    expires: '2026-11-30T21:03:00.123Z',
  },
  sig: 'ab'.repeat(64),
};

describe('payment QR code text', () => {
  it('round-trips a token through the scanner text, short enough for a small QR code', () => {
    const text = encodePayToken(token);
    expect(text.startsWith(PAY_TOKEN_PREFIX)).toBe(true);
    expect(text).toMatch(/^FEDOWPAY1\.[A-Za-z0-9_-]+$/);
    expect(text.length).toBeLessThan(160);
    expect(decodePayToken(text)).toEqual({ ok: true, token });
    expect(decodePayToken(`  ${text}\n`)).toEqual({ ok: true, token });
  });

  it('refuses other text, damaged and truncated codes with a reason', () => {
    const text = encodePayToken(token);
    expect(decodePayToken('04A1B2C3D4E5F6')).toEqual({ ok: false, reason: 'not a Fedow payment code' });
    expect(decodePayToken(text.slice(0, -4))).toMatchObject({ ok: false });
    expect(decodePayToken(`${text}AAAA`)).toMatchObject({ ok: false });
    expect(decodePayToken(`${PAY_TOKEN_PREFIX}${'!'.repeat(139)}`)).toMatchObject({ ok: false });
  });

  it('never throws on any scanned text', () => {
    fc.assert(
      fc.property(fc.string(), (noise) => {
        const decoded = decodePayToken(PAY_TOKEN_PREFIX + noise);
        expect(typeof decoded.ok).toBe('boolean');
      }),
    );
  });
});
