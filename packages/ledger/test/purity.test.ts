import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
// crypto-node.ts is the injected node:crypto implementation of CryptoProvider:
// hashing and signing only, no randomness (keys are given).
const INJECTED = new Set(['crypto-node.ts']);

const FORBIDDEN: [RegExp, string][] = [
  [/from ['"](node:)?(fs|fs\/promises|net|http|https|tls|dgram|child_process|worker_threads|os)['"]/, 'I/O module'],
  [/Date\.now\s*\(/, 'clock'],
  [/new Date\(\s*\)/, 'clock'],
  [/performance\.now/, 'clock'],
  [/Math\.random/, 'randomness'],
  [/getRandomValues|randomBytes|randomUUID/, 'randomness'],
  [/process\.(env|argv|hrtime)/, 'process state'],
  [/setTimeout|setInterval/, 'timers'],
];

describe('packages/ledger is pure', () => {
  const files = readdirSync(src).filter((file) => file.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(8);
  });

  for (const file of files) {
    it(`${file} does no I/O, reads no clock, draws no randomness`, () => {
      const text = readFileSync(join(src, file), 'utf8');
      const allowed = INJECTED.has(file) ? FORBIDDEN.filter(([, what]) => what !== 'I/O module') : FORBIDDEN;
      for (const [pattern, what] of allowed) expect(text, `${file}: ${what}`).not.toMatch(pattern);
      if (INJECTED.has(file)) expect(text).not.toMatch(/randomBytes|generateKeyPair/);
    });
  }

  it('the checker catches an impure line', () => {
    expect('const t = Date.now();').toMatch(FORBIDDEN[1]![0]);
    expect("import { readFileSync } from 'node:fs';").toMatch(FORBIDDEN[0]![0]);
  });
});
