import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DEFAULT_OFFLINE_POLICY, type EntryBody } from '@fedow/protocol';
import { fromHex, hashBody, MemoryLedger, nobleCrypto, signBody, signHash, verifySigned, publicKeyHex, type CryptoProvider } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { opsPerSecond, report } from './report';

const secretKey = fromHex('55'.repeat(32));
const body: EntryBody = {
  v: 1,
  id: '0192f3a4-5b6c-7d8e-9f00-000000000001',
  terminal: '0192f3a4-5b6c-7d8e-9f00-ffffffffffff',
  seq: 4242,
  prev: 'ab'.repeat(32),
  at: '2026-07-14T21:03:07.412Z',
  kind: 'SAL',
  asset: '0192f3a4-0000-7000-8000-00000000a55e',
  amount: 350,
  card: '04A1B2C3',
  primary: 'CA5A0001',
  auth: 'online',
  meta: { lines: [{ label: 'Bière pression', qty: 1, unit: 350 }] },
};

/** The raw primitive on a 32-byte message: the ceiling for entry signing and verification. */
function primitiveLimits(crypto: CryptoProvider) {
  const message = randomBytes(32);
  const publicKey = crypto.publicKey(secretKey);
  const signature = crypto.sign(secretKey, message);
  return {
    sign: opsPerSecond(() => crypto.sign(secretKey, message), 700, 20),
    verify: opsPerSecond(() => crypto.verify(publicKey, message, signature), 700, 20),
  };
}

export async function benchLedger(): Promise<void> {
  console.log(`\n== ledger (packages/ledger) — ${availableParallelism()} cores`);
  for (const crypto of [nodeCrypto, nobleCrypto]) {
    const limits = primitiveLimits(crypto);
    const publicKey = publicKeyHex(crypto, secretKey);
    const signed = { body, ...signBody(crypto, secretKey, body) };
    const hashSign = opsPerSecond(() => signHash(crypto, secretKey, hashBody(crypto, body)), 700, 20);
    const verify = opsPerSecond(() => verifySigned(crypto, publicKey, signed), 700, 20);
    report({ name: `${crypto.name}: entry hash + sign`, value: hashSign, unit: 'entries/s', limit: limits.sign, limitName: 'raw Ed25519 sign, 1 core', better: 'higher' });
    report({ name: `${crypto.name}: entry hash + verify`, value: verify, unit: 'entries/s', limit: limits.verify, limitName: 'raw Ed25519 verify, 1 core', better: 'higher' });
  }
  const verifyLimit = primitiveLimits(nodeCrypto).verify * availableParallelism();
  report({ name: 'in-memory applies (SAL entries, debt rules on)', value: memoryApplies(), unit: 'entries/s', limit: verifyLimit, limitName: `verify limit, ${availableParallelism()} cores: applies must never be the ceiling`, better: 'higher' });
}

function memoryApplies(): number {
  const ledger = new MemoryLedger();
  const place = ledger.addPlace({ name: 'Bench bar' });
  const asset = ledger.addAsset({ name: 'Bench money', category: 'TLF', origin: place.wallet }, '2026-07-14T20:00:00.000Z');
  ledger.addCard('CA5A0001', { primaryFor: [place.id] });
  const cards = Array.from({ length: 1_000 }, (_, index) => ledger.addCard((0x04000000 + index).toString(16).toUpperCase().padStart(8, '0')));
  let seq = 0;
  const entry = (kind: 'REF' | 'SAL', card: string, amount: number): EntryBody => ({ ...body, id: `0192f3a4-5b6c-7d8e-9f00-${(++seq).toString(16).padStart(12, '0')}`, seq, kind, card, amount, asset: asset.id });
  for (const card of cards) ledger.applyEntry(entry('REF', card.firstTagId, 1_000_000), { place: place.id, policy: DEFAULT_OFFLINE_POLICY }, body.at);
  let index = 0;
  return opsPerSecond(() => {
    ledger.applyEntry(entry('SAL', cards[index++ % cards.length]!.firstTagId, 1), { place: place.id, policy: DEFAULT_OFFLINE_POLICY }, body.at);
  }, 1_000, 100);
}
