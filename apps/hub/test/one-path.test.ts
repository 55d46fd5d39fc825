/**
 * DESIGN.md, "One path for money": nothing writes transfers, balances, payment
 * references, memberships or requests except the path (ingest/persist.ts through
 * ingest/writer.ts, and money/submit.ts for the request rows). A new module that
 * calls one of these writes directly fails here, before it can create or lose money.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

/** The writes of money, and the only modules that may make them (storage/ defines them). */
const WRITES: { pattern: RegExp; allowed: readonly string[] }[] = [
  { pattern: /\binsertTransfers\(|INSERT INTO transfers/i, allowed: ['ingest/writer.ts'] },
  { pattern: /\bapplyBalanceDeltas\(|INSERT INTO balances|UPDATE balances/i, allowed: ['ingest/writer.ts'] },
  { pattern: /\binsertPaymentRef\(/, allowed: ['ingest/persist.ts'] },
  /** A repair's `balance-restored` effect: the one balance write that is not a delta. */
  { pattern: /\bsetBalance\(/, allowed: ['ingest/persist.ts'] },
  { pattern: /\bupsertMemberships\(/, allowed: ['ingest/persist.ts'] },
  { pattern: /\binsertRequest\(/, allowed: ['money/submit.ts'] },
  { pattern: /\.(?:insert|update|delete)\(\s*(?:tx\.t\.)?(?:transfers|balances|requests|paymentRefs|memberships)\b/, allowed: [] },
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

describe('one path for money', () => {
  it('lets no module outside the path write transfers, balances, payment references, memberships or requests', () => {
    const offenders: string[] = [];
    for (const file of sources(src)) {
      const name = relative(src, file).split('\\').join('/');
      if (name.startsWith('storage/')) continue;
      const text = readFileSync(file, 'utf8');
      for (const { pattern, allowed } of WRITES) {
        if (pattern.test(text) && !allowed.includes(name)) offenders.push(`${name}: ${pattern}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('would catch a direct write (the check is not vacuous)', () => {
    const sample = 'await repo.insertTransfers(tx, rows);';
    expect(WRITES.some(({ pattern }) => pattern.test(sample))).toBe(true);
  });
});
