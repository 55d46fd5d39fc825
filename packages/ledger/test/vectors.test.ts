import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntryBody } from '@fedow/protocol';
import { describe, expect, it } from 'vitest';
import { canonicalize, fromHex, hashBody, nobleCrypto, publicKeyHex, signHash, toHex, verifyHash } from '../src';
import { nodeCrypto } from '../src/crypto-node';

const dir = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'vectors');
const key = JSON.parse(readFileSync(join(dir, '_key.json'), 'utf8')) as { secretKey: string; publicKey: string };
const vectors = readdirSync(dir)
  .filter((file) => file.endsWith('.json') && !file.startsWith('_'))
  .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name: string; body: unknown; jcs: string; hash: string; sig: string });

describe('golden vectors', () => {
  it('has at least 20 vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  for (const crypto of [nobleCrypto, nodeCrypto]) {
    describe(crypto.name, () => {
      it('derives the published test public key', () => {
        expect(publicKeyHex(crypto, fromHex(key.secretKey))).toBe(key.publicKey);
      });
      for (const vector of vectors) {
        it(`reproduces ${vector.name} byte for byte`, () => {
          expect(canonicalize(vector.body)).toBe(vector.jcs);
          expect(hashBody(crypto, vector.body)).toBe(vector.hash);
          expect(signHash(crypto, fromHex(key.secretKey), vector.hash)).toBe(vector.sig);
          expect(verifyHash(crypto, key.publicKey, vector.hash, vector.sig)).toBe(true);
        });
      }
    });
  }

  it('entry vectors are valid entry bodies', () => {
    const entries = vectors.filter((vector) => vector.name.startsWith('entry-'));
    expect(entries.length).toBeGreaterThanOrEqual(15);
    for (const vector of entries) expect(EntryBody.safeParse(vector.body).success, vector.name).toBe(true);
  });

  it('covers every entry kind', () => {
    const kinds = new Set(vectors.map((vector) => (vector.body as { kind?: string }).kind).filter(Boolean));
    expect([...kinds].sort()).toEqual(['BDG', 'REF', 'RFD', 'SAL', 'SUB', 'VID']);
  });
});

describe('published anchors (independent of our implementation)', () => {
  it('RFC 8785 §3.2.3 sorting example', () => {
    const vector = vectors.find((candidate) => candidate.name === 'rfc8785-sort')!;
    expect(vector.jcs).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('RFC 8785 string escaping', () => {
    expect(canonicalize({ s: '\u0000\b\t\n\f\r"\\\u001f\u007f/é' })).toBe('{"s":"\\u0000\\b\\t\\n\\f\\r\\"\\\\\\u001f\u007f/é"}');
  });

  for (const crypto of [nobleCrypto, nodeCrypto]) {
    it(`${crypto.name}: SHA-256 of "abc" (FIPS 180-2)`, () => {
      expect(toHex(crypto.sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });
    it(`${crypto.name}: RFC 8032 Ed25519 tests 1 and 2`, () => {
      const cases = [
        {
          secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
          public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
          message: '',
          sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
        },
        {
          secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
          public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
          message: '72',
          sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
        },
      ];
      for (const vector of cases) {
        expect(toHex(crypto.publicKey(fromHex(vector.secret)))).toBe(vector.public);
        expect(toHex(crypto.sign(fromHex(vector.secret), fromHex(vector.message)))).toBe(vector.sig);
        expect(crypto.verify(fromHex(vector.public), fromHex(vector.message), fromHex(vector.sig))).toBe(true);
      }
    });
  }
});
