/**
 * Golden requests made by Python (fixtures/compat/make-fixtures.py, Python 3.11,
 * cryptography 48): the hub's verifier accepts them, its rebuilds of the signed
 * messages (form handshake, W GET) reproduce Python's bytes, and the test client
 * writes the same bodies as json.dumps.
 */
import { readFileSync } from 'node:fs';
import { constants, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyMatches, apiKeyPrefix, hashApiKey, newApiKey } from '../src/compat/api-keys';
import { formAsPythonJson, pythonIsoformat, pythonJsonDumps } from '../src/compat/python';
import { answerJson, RawJson, topLevelFields } from '../src/compat/raw-json';
import { b64urlPadded, verifyPss } from '../src/crypto/rsa';
import { b64url, signPss, type RsaKey } from '../../../support/fedow-client';

interface Golden {
  client: string;
  method: string;
  path: string;
  body?: string;
  content_type?: string;
  signed_message: string;
  signature: string;
  public_pem: string;
  api_key?: string;
  wallet?: string;
  date?: string;
}

const root = new URL('../../../fixtures/compat/', import.meta.url);
const goldens = readFileSync(new URL('requests.jsonl', root), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Golden);

function fixtureKey(name: string): RsaKey {
  const privateKey = createPrivateKey(readFileSync(new URL(`keys/${name}.pem`, root)));
  return { privateKey, pem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
}

describe('golden requests from Python', () => {
  it('holds every kind of request the hub must check', () => {
    expect(goldens.map((golden) => `${golden.method} ${golden.path}`)).toEqual(
      expect.arrayContaining(['POST /transaction/', 'POST /card/', 'POST /transaction/qrcodescanpay/', 'POST /place/handshake/', 'GET /card/A1B2C3D4/', 'GET /wallet/retrieve_by_signature/']),
    );
  });

  it.each(goldens.map((golden) => [`${golden.client} ${golden.method} ${golden.path} ${golden.date ?? ''}`, golden] as const))('verifies %s', (_name, golden) => {
    expect(verifyPss(golden.public_pem, golden.signed_message, golden.signature)).toBe(true);
    // A signature over another message, or by a salt-32 signer, is refused.
    expect(verifyPss(golden.public_pem, `${golden.signed_message}x`, golden.signature)).toBe(false);
    if (golden.method === 'POST' && golden.content_type === undefined) expect(b64urlPadded(golden.body!)).toBe(golden.signed_message);
    if (golden.content_type === 'application/x-www-form-urlencoded') expect(b64urlPadded(formAsPythonJson(golden.body!))).toBe(golden.signed_message);
    if (golden.method === 'GET' && golden.date !== undefined) expect(`${golden.wallet}:${pythonIsoformat(golden.date)}`).toBe(golden.signed_message);
    if (golden.api_key !== undefined) expect(golden.signed_message).toBe(golden.api_key);
  });

  it('writes bodies byte for byte as json.dumps (ASCII escapes, surrogate pairs, separators)', () => {
    for (const golden of goldens.filter((line) => line.method === 'POST' && line.content_type === undefined)) {
      const parsed = JSON.parse(golden.body!) as unknown;
      // Floats written with a fraction (2.0) cannot be told from integers once parsed: those bodies are checked raw only.
      if (!/\d\.0\b/.test(golden.body!)) expect(pythonJsonDumps(parsed)).toBe(golden.body);
    }
    expect(pythonJsonDumps({ name: 'Zoë 😀', x: [1, null, true], y: 0.1, z: 1e-5, w: 1e16 })).toBe('{"name": "Zo\\u00eb \\ud83d\\ude00", "x": [1, null, true], "y": 0.1, "z": 1e-05, "w": 1e+16}');
  });

  it('signs as the clients do: padded, maximum salt; a salt-32 signature is refused', () => {
    const key = fixtureKey('laboutik');
    const message = b64url('{"a": 1}');
    const signature = signPss(key, message);
    expect(signature).toHaveLength(344);
    expect(signature.endsWith('=')).toBe(true);
    expect(verifyPss(key.pem, message, signature)).toBe(true);
    expect(verifyPss(key.pem, message, signature.replace(/=+$/, ''))).toBe(true);
    expect(verifyPss(key.pem, message, signPss(key, message, 32))).toBe(false);
    expect(verifyPss(key.pem, message, 'not base64 !')).toBe(false);
    expect(verifyPss('not a pem', message, signature)).toBe(false);
    expect(constants.RSA_PSS_SALTLEN_MAX_SIGN).toBe(-2);
  });
});

describe("Python's isoformat", () => {
  it.each([
    ['2026-07-14T22:03:07.412000', '2026-07-14T22:03:07.412000'],
    ['2026-07-14T22:03:07.412', '2026-07-14T22:03:07.412000'],
    ['2026-07-14T22:03:07.000000', '2026-07-14T22:03:07'],
    ['2026-07-14 22:03:07+02:00', '2026-07-14T22:03:07+02:00'],
    ['2026-07-14T22:03:07-00:00', '2026-07-14T22:03:07+00:00'],
    ['2026-07-14', '2026-07-14T00:00:00'],
  ])('%s → %s', (input, output) => expect(pythonIsoformat(input)).toBe(output));

  it.each(['2026-07-14T22:03:07Z', '2026-07-14T22:03:07.41', '2026-02-30T00:00:00', 'garbage', '', '2026-07-14T25:00:00'])('refuses %j as Python 3.10 does', (input) => {
    expect(pythonIsoformat(input)).toBeNull();
  });
});

describe('API keys and echoes', () => {
  it('makes 41-character keys, stored hashed, and checks the original hashers', () => {
    const { key, prefix, hashedKey } = newApiKey();
    expect(key).toHaveLength(41);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hashedKey).not.toContain(key.slice(9));
    expect(apiKeyMatches(key, hashedKey)).toBe(true);
    // The last character changed for another (a random key ends in 'x' one time in 62: then 'y').
    const altered = `${key.slice(0, 40)}${key.endsWith('x') ? 'y' : 'x'}`;
    expect(apiKeyMatches(altered, hashedKey)).toBe(false);
    expect(apiKeyMatches(key, hashApiKey(newApiKey().key))).toBe(false);
    expect(apiKeyPrefix('short.key')).toBeNull();
  });

  it('keeps the raw text of metadata and comment, and splices it back unchanged', () => {
    const raw = '{"amount": 5, "metadata": {"ratio": 1.0, "emoji": "\\ud83d\\ude00"}, "comment": "\\"quoted\\", {braces}", "n": null}';
    const fields = topLevelFields(raw)!;
    expect(fields.get('metadata')).toBe('{"ratio": 1.0, "emoji": "\\ud83d\\ude00"}');
    expect(fields.get('comment')).toBe('"\\"quoted\\", {braces}"');
    expect(fields.get('n')).toBe('null');
    expect(answerJson({ metadata: new RawJson(fields.get('metadata')!), list: [new RawJson('2.0')] })).toBe('{"metadata":{"ratio": 1.0, "emoji": "\\ud83d\\ude00"},"list":[2.0]}');
    expect(topLevelFields('[1, 2]')).toBeNull();
  });
});
