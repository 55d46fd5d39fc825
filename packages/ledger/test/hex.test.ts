import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src';

describe('hex', () => {
  it('round-trips any bytes, and reads upper case as lower', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromHex(toHex(bytes).toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it('agrees with Buffer on what is hex and what is not', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const even = text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
        if (even) expect(toHex(fromHex(text))).toBe(Buffer.from(text, 'hex').toString('hex'));
        else expect(() => fromHex(text)).toThrow(TypeError);
      }),
    );
    for (const bad of ['0', 'zz', '0g', 'é0', '٣٣', ' 00']) expect(() => fromHex(bad)).toThrow(TypeError);
  });
});
