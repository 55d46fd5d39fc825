/**
 * Writes fixtures/vectors/*.json: body → JCS text → hash → signature under the
 * fixed test key of fixtures/vectors/_key.json. Run once when the set changes
 * (`npm run vectors`); the tests then hold every implementation to these bytes.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize, fromHex, hashBody, nobleCrypto, publicKeyHex, signHash } from '@fedow/ledger';

const dir = join(import.meta.dirname, '..', 'fixtures', 'vectors');
// A published test key: never use it for anything but these vectors.
const secretKeyHex = 'a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';
const secretKey = fromHex(secretKeyHex);
const publicKey = publicKeyHex(nobleCrypto, secretKey);

const terminal = '0192f3a4-5b6c-7d8e-9f00-112233445566';
const asset = '0192f3a4-0000-7000-8000-00000000a55e';
const base = {
  v: 1,
  terminal,
  prev: 'f'.repeat(64),
  at: '2026-07-14T21:03:07.412Z',
  card: '04A1B2C3',
  primary: 'CAFE0001',
  auth: 'online',
} as const;
const id = (n: number) => `0192f3a4-5b6c-7d8e-9f00-${n.toString(16).padStart(12, '0')}`;

const vectors: Record<string, { description: string; body: unknown }> = {
  'entry-sal-simple': { description: 'a sale, online', body: { ...base, id: id(1), seq: 1, kind: 'SAL', asset, amount: 350 } },
  'entry-sal-offline-lines': {
    description: 'an offline sale with lines and cash payment',
    body: { ...base, id: id(2), seq: 2, kind: 'SAL', asset, amount: 1250, auth: 'offline', meta: { lines: [{ label: 'Bière pression', qty: 2, unit: 450 }, { label: 'Eau', qty: 1, unit: 350 }] } },
  },
  'entry-sal-7-byte-uid': { description: 'a 7-byte UID card', body: { ...base, id: id(3), seq: 3, kind: 'SAL', asset, amount: 1, card: '04A1B2C3D4E5F6' } },
  'entry-sal-10-byte-uid': { description: 'a 10-byte UID card', body: { ...base, id: id(4), seq: 4, kind: 'SAL', asset, amount: 99, card: '04A1B2C3D4E5F60718A9' } },
  'entry-ref-cash': { description: 'a top-up paid cash', body: { ...base, id: id(5), seq: 5, kind: 'REF', asset, amount: 2000, meta: { payment: 'cash' } } },
  'entry-ref-card': { description: 'a top-up paid by bank card', body: { ...base, id: id(6), seq: 6, kind: 'REF', asset, amount: 5000, meta: { payment: 'card' } } },
  'entry-sub': { description: 'a membership sale', body: { ...base, id: id(7), seq: 7, kind: 'SUB', asset, amount: 1500, meta: { payment: 'cash', note: 'Adhésion 2026' } } },
  'entry-bdg': { description: 'a badge passage, amount 0', body: { ...base, id: id(8), seq: 8, kind: 'BDG', asset, amount: 0 } },
  'entry-rfd': { description: 'a refund', body: { ...base, id: id(9), seq: 9, kind: 'RFD', asset, amount: 420 } },
  'entry-vid': { description: 'a void: asset null', body: { ...base, id: id(10), seq: 10, kind: 'VID', asset: null, amount: 0 } },
  'entry-note-unicode': {
    description: 'unicode in the note: accents, CJK, emoji (surrogate pair), RTL',
    body: { ...base, id: id(11), seq: 11, kind: 'SAL', asset, amount: 700, meta: { note: 'Crème brûlée — 抹茶 — 🍺🎉 — שלום' } },
  },
  'entry-note-escapes': {
    description: 'control characters, quotes and backslashes in the note',
    body: { ...base, id: id(12), seq: 12, kind: 'SAL', asset, amount: 700, meta: { note: 'tab\there "quoted" back\\slash\nnew line \u0001 \u001f \u007f' } },
  },
  'entry-amount-large': { description: 'the largest amount an entry may carry', body: { ...base, id: id(13), seq: 13, kind: 'REF', asset, amount: 100_000_000_000 } },
  'entry-seq-near-safe-limit': { description: 'seq near Number.MAX_SAFE_INTEGER', body: { ...base, id: id(14), seq: Number.MAX_SAFE_INTEGER - 1, kind: 'SAL', asset, amount: 1 } },
  'entry-meta-empty-lines': { description: 'an empty array in meta', body: { ...base, id: id(15), seq: 15, kind: 'SAL', asset, amount: 1, meta: { lines: [] } } },
  'entry-meta-empty': { description: 'an empty meta object', body: { ...base, id: id(16), seq: 16, kind: 'SAL', asset, amount: 1, meta: {} } },
  'hello-proof': { description: 'the body a till signs to answer a challenge', body: { purpose: 'sync-hello', terminal, nonce: 'ab'.repeat(32), hub: 'cd'.repeat(32) } },
  genesis: { description: "a till's genesis body", body: { terminal, publicKey, place: '0192f3a4-0000-7000-8000-0000000000aa', hub: 'cd'.repeat(32) } },
  'nested-depth': {
    description: 'nested objects and arrays, keys needing sort, negative and zero integers, booleans and null',
    body: { z: [3, -2, 0, [], {}], a: { y: { x: [true, false, null] }, b: -9007199254740991 }, '': 'empty key', 'Z': 'upper before lower', é: 'non-ASCII key' },
  },
  'rfc8785-sort': {
    description: 'RFC 8785 §3.2.3: keys sorted by UTF-16 code units',
    body: { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' },
  },
  'transfer-body': {
    description: 'the body a sealed transfer hashes',
    body: {
      seq: 42, id: id(42), action: 'SAL', sender: id(100), receiver: id(101), asset, amount: 350, card: id(102), primaryCard: 'CAFE0001',
      entry: id(1), at: '2026-07-14T21:03:08.001Z', tillAt: '2026-07-14T21:03:07.412Z', meta: null, prev: 'e'.repeat(64),
    },
  },
  'block-header': {
    description: 'a block header',
    body: { height: 7, prev: 'a'.repeat(64), firstSeq: 6001, lastSeq: 7000, head: 'b'.repeat(64), sealedAt: '2026-07-14T21:03:09.000Z', hub: 'cd'.repeat(32) },
  },
};

mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(join(dir, file));
writeFileSync(join(dir, '_key.json'), JSON.stringify({ note: 'TEST KEY, published: never use it outside these vectors', secretKey: secretKeyHex, publicKey }, null, 2) + '\n');
for (const [name, { description, body }] of Object.entries(vectors)) {
  const jcs = canonicalize(body);
  const hash = hashBody(nobleCrypto, body);
  const sig = signHash(nobleCrypto, secretKey, hash);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, description, body, jcs, hash, sig }, null, 2) + '\n');
}
console.log(`wrote ${Object.keys(vectors).length} vectors to ${dir}`);
