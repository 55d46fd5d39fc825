import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CanonicalError, canonicalize, fromHex, hashBody, hashTransfer, nobleCrypto, publicKeyHex, signBody, toHex, transferHashBody, verifySigned } from '../src';
import { nodeCrypto } from '../src/crypto-node';

const secretKey = fromHex('11'.repeat(32));
const body = {
  v: 1,
  id: '0192f3a4-5b6c-7d8e-9f00-000000000001',
  terminal: '0192f3a4-5b6c-7d8e-9f00-ffffffffffff',
  seq: 7,
  prev: 'ab'.repeat(32),
  at: '2026-07-14T21:03:07.412Z',
  kind: 'SAL',
  asset: '0192f3a4-0000-7000-8000-00000000a55e',
  amount: 350,
  card: '04A1B2C3',
  primary: 'CA5A0001',
  auth: 'offline',
  meta: { payment: 'cash', lines: [{ label: 'Bière', qty: 1, unit: 350 }] },
};

/** Every way of changing one leaf of the body. */
function mutations(value: unknown, path: string[] = []): { path: string; mutate: (copy: Record<string, unknown>) => void }[] {
  if (value === null || typeof value !== 'object') {
    const set = (copy: Record<string, unknown>, next: unknown) => {
      let target: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      target[path[path.length - 1]!] = next;
    };
    const changed = typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value}x` : typeof value === 'boolean' ? !value : 0;
    return [{ path: path.join('.'), mutate: (copy) => set(copy, changed) }];
  }
  return Object.entries(value).flatMap(([key, child]) => mutations(child, [...path, key]));
}

describe.each([nobleCrypto, nodeCrypto])('tampering ($name)', (crypto) => {
  const publicKey = publicKeyHex(crypto, secretKey);
  const signed = { body, ...signBody(crypto, secretKey, body) };

  it('accepts the untouched entry', () => {
    expect(verifySigned(crypto, publicKey, signed)).toBe('ok');
  });

  it('detects a change to any field of the body', () => {
    const all = mutations(body);
    expect(all.length).toBeGreaterThan(15);
    for (const { path, mutate } of all) {
      const copy = structuredClone(body) as Record<string, unknown>;
      mutate(copy);
      expect(verifySigned(crypto, publicKey, { ...signed, body: copy }), path).toBe('bad_hash');
    }
  });

  it('detects an added or removed field', () => {
    expect(verifySigned(crypto, publicKey, { ...signed, body: { ...body, extra: 1 } })).toBe('bad_hash');
    const { meta: _meta, ...without } = body;
    expect(verifySigned(crypto, publicKey, { ...signed, body: without })).toBe('bad_hash');
  });

  it('detects every single-bit flip of the signature', () => {
    const sig = fromHex(signed.sig);
    for (let bit = 0; bit < sig.length * 8; bit++) {
      const flipped = sig.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifySigned(crypto, publicKey, { ...signed, sig: toHex(flipped) }), `bit ${bit}`).toBe('bad_signature');
    }
  });

  it('detects a hash that matches the body but was signed by another key', () => {
    const other = signBody(crypto, fromHex('22'.repeat(32)), body);
    expect(verifySigned(crypto, publicKey, { body, ...other })).toBe('bad_signature');
  });

  it('treats malformed signatures and keys as invalid, without throwing', () => {
    expect(verifySigned(crypto, publicKey, { ...signed, sig: 'zz' })).toBe('bad_signature');
    expect(verifySigned(crypto, 'nothex', signed)).toBe('bad_signature');
    expect(verifySigned(crypto, publicKey, { ...signed, sig: '00'.repeat(64) })).toBe('bad_signature');
  });
});

describe('canonical encoding', () => {
  it('refuses what LEDGER.md does not allow in a body', () => {
    expect(() => canonicalize({ a: 1.5 })).toThrow(CanonicalError);
    expect(() => canonicalize({ a: Number.MAX_SAFE_INTEGER + 1 })).toThrow(CanonicalError);
    expect(() => canonicalize({ a: Number.NaN })).toThrow(CanonicalError);
    expect(() => canonicalize({ a: '\ud800' })).toThrow(/lone surrogate/);
    expect(() => canonicalize({ a: new Date(0) })).toThrow(/plain objects/);
    expect(() => canonicalize({ a: 1n })).toThrow(CanonicalError);
  });

  it('names where the refused value is', () => {
    expect(() => canonicalize({ a: { b: [0, 1.5] } })).toThrow('only safe integers are allowed at a.b[1]');
    expect(() => canonicalize([{ x: 1n }])).toThrow('bigint is not allowed at [0].x');
    expect(() => canonicalize({ meta: { ['\udc00']: 1 } })).toThrow('lone surrogate in string at meta');
    expect(() => canonicalize({ a: 1, b: { c: '\ud800' } })).toThrow('lone surrogate in string at b.c');
  });

  it('drops undefined members wherever they are, keeping the commas right', () => {
    expect(canonicalize({ a: undefined, b: 1, c: undefined, d: { e: undefined } })).toBe('{"b":1,"d":{}}');
  });

  it('drops undefined members like JSON does, and writes -0 as 0', () => {
    expect(canonicalize({ b: undefined, a: -0 })).toBe('{"a":0}');
  });

  it('agrees with JSON.parse: parsing the canonical text gives the value back', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.maxSafeInteger(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalize(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalize(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('writes a string as JSON.stringify does, and refuses one with a lone surrogate', () => {
    const isWellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
    // Printable ASCII (the plain path), controls, quotes and backslashes, any UTF-16.
    const text = fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) }), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', 'é', '\ud83d', '\ude00', 'a') }));
    fc.assert(
      fc.property(text, (value) => {
        if (isWellFormed(value)) expect(canonicalize(value)).toBe(JSON.stringify(value));
        else expect(() => canonicalize(value)).toThrow(/lone surrogate/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('ignores key insertion order', () => {
    expect(canonicalize({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalize({ a: { c: 3, d: 2 }, b: 1 }));
  });
  it("hashes a transfer as the generic encoding would, whatever its fields hold (the sealer's own writer)", () => {
    // Strings of any UTF-16 (lone surrogates included), absent and null fields, any meta.
    const text = fc.string({ unit: 'binary' });
    const optional = <T>(value: fc.Arbitrary<T>) => fc.oneof(value, fc.constant(null), fc.constant(undefined));
    const meta = fc.oneof(fc.constant(null), fc.dictionary(text, fc.oneof(text, fc.maxSafeInteger(), fc.array(fc.dictionary(text, fc.oneof(text, fc.integer())), { maxLength: 3 })), { maxKeys: 3 }));
    const transfer = fc.record({
      seq: fc.oneof(fc.nat(), fc.double()),
      id: text,
      action: fc.constantFrom('SAL', 'REF', 'CRE', 'MLT'),
      sender: text,
      receiver: text,
      asset: text,
      amount: fc.oneof(fc.maxSafeInteger(), fc.constant(-0)),
      card: optional(text),
      primaryCard: optional(text),
      entry: optional(text),
      at: text,
      tillAt: optional(text),
      meta,
    });
    const outcome = (hash: () => string) => {
      try {
        return hash();
      } catch (error) {
        return error instanceof CanonicalError ? `refused: ${error.message}` : `threw ${String(error)}`;
      }
    };
    fc.assert(
      fc.property(transfer, text, (drawn, prev) => {
        const record = drawn as unknown as Parameters<typeof hashTransfer>[1];
        for (const crypto of [nodeCrypto, nobleCrypto]) {
          expect(outcome(() => hashTransfer(crypto, record, prev))).toBe(outcome(() => hashBody(nobleCrypto, transferHashBody(record, prev))));
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
