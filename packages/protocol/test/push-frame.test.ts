import { describe, expect, it } from 'vitest';
import { FRAME_BYTES_MAX, LABEL_CHARS_MAX, META_LINES_MAX, NOTE_CHARS_MAX, PUSH_ENTRIES_MAX, Push, TillMessage, parseFrame, readPush } from '../src';
import { SAMPLE_BODY } from './sample-body';

const base = SAMPLE_BODY;

/** One entry of each shape the reader knows, and one it leaves to the schema (a cash count). */
const bodies: Record<string, unknown>[] = [
  { ...base, meta: { lines: [{ label: 'Bière pression', qty: 2, unit: 350 }], payment: 'card' } },
  { ...base, seq: 2, kind: 'REF', amount: 2000, card: '04A1B2C3D4E5F6', auth: 'offline', meta: { payment: 'cash', note: 'x' } },
  { ...base, seq: 3, kind: 'VID', asset: null, amount: 0 },
  { ...base, seq: 4, kind: 'SHC', asset: null, amount: 0, meta: { shift: base.id, expected: -5, note: '' } },
  { ...base, seq: 5, kind: 'SHO', asset: null, amount: 1500, meta: { count: { '500': 3 } } },
];

function frame(entries: readonly Record<string, unknown>[]): { type: string; entries: unknown[] } {
  return { type: 'push', entries: entries.map((body) => ({ body, hash: 'cd'.repeat(32), sig: 'ef'.repeat(64) })) };
}

/** A deterministic generator (mulberry32): the same mutations on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values a field may be replaced with: other types, edges of the limits, near misses of the patterns. */
const REPLACEMENTS: unknown[] = [
  null, true, 0, -1, 1, 1.5, -0, 2 ** 53, 1e11, 1e11 + 1, '', 'x', [], {}, { a: 1 }, [1],
  '0192F3A4-5B6C-7D8E-9F00-000000000001', '0192f3a4-5b6c-7d8e-9f00-00000000000', 'ab'.repeat(32), 'AB'.repeat(32), 'ef'.repeat(64),
  '04a1b2c3', '04A1B2C3D4', '2026-07-14T21:03:07Z', '2026-07-14T21:03:07.412Z', 'SAL', 'VID', 'SHC', 'XXX', 'online', 'cash', 'card',
  'x'.repeat(LABEL_CHARS_MAX), 'x'.repeat(LABEL_CHARS_MAX + 1), 'n'.repeat(NOTE_CHARS_MAX + 1), '🍺'.repeat(30), 10_000, 10_001, 100,
];

/** Every path to a value inside `value`. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => paths(item, [...at, index]))];
  if (typeof value === 'object' && value !== null) return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...at, key]))];
  return here;
}

function mutate(original: unknown, next: () => number): unknown {
  const copy = structuredClone(original) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[Math.floor(next() * all.length)]!;
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = path[path.length - 1]!;
  const choice = next();
  if (choice < 0.15 && !Array.isArray(parent)) delete parent[key];
  else if (choice < 0.25 && typeof parent[key] === 'object' && parent[key] !== null && !Array.isArray(parent[key])) parent[key].extra = 1;
  else if (choice < 0.3 && Array.isArray(parent[key])) parent[key] = [...parent[key], ...parent[key]];
  else parent[key] = REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)];
  return copy;
}

describe('readPush, the hand-written reader of push frames', () => {
  it('reads the valid shapes it knows, as the schema reads them, and leaves a cash count to the schema', () => {
    const known = frame(bodies.slice(0, 4));
    expect(readPush(known)).toBe(known);
    expect(Push.parse(known)).toEqual(known);
    expect(readPush(frame(bodies))).toBeNull();
    expect(Push.safeParse(frame(bodies)).success).toBe(true);
  });

  it('reads only what the schema accepts: over thousands of mutated frames, a frame read is a frame the schema accepts', () => {
    const next = random(15);
    const original = frame(bodies.slice(0, 4));
    let read = 0;
    let refusedBoth = 0;
    let leftToSchema = 0;
    for (let round = 0; round < 6_000; round++) {
      let mutated: unknown = original;
      for (let times = 1 + Math.floor(next() * 2); times > 0; times--) mutated = mutate(mutated, next);
      const schema = Push.safeParse(mutated);
      const fast = readPush(mutated);
      if (fast !== null) {
        expect(schema.success, JSON.stringify(mutated)).toBe(true);
        expect(fast).toEqual(schema.data);
        read++;
      } else if (schema.success) leftToSchema++;
      else refusedBoth++;
      // Through parseFrame the answer, and every error's wording, is the schema's.
      const text = JSON.stringify(mutated);
      expect(parseFrame(TillMessage, text, FRAME_BYTES_MAX, readPush)).toEqual(parseFrame(TillMessage, text));
    }
    // The mutations reach both sides: frames still valid, and frames refused.
    expect(read).toBeGreaterThan(100);
    expect(refusedBoth).toBeGreaterThan(5_000);
    expect(leftToSchema).toBeLessThan(read);
  });

  it('keeps the limits of the schema: entries per push, lines per meta, meta bytes', () => {
    const line = { label: 'x', qty: 1, unit: 1 };
    const cases = [
      frame([]),
      frame(Array.from({ length: PUSH_ENTRIES_MAX + 1 }, () => base)),
      frame(Array.from({ length: PUSH_ENTRIES_MAX }, () => base)),
      frame([{ ...base, meta: { lines: Array.from({ length: META_LINES_MAX + 1 }, () => line) } }]),
      frame([{ ...base, meta: { lines: Array.from({ length: 60 }, () => ({ ...line, label: 'x'.repeat(80) })) } }]),
      frame([{ ...base, meta: { lines: Array.from({ length: 40 }, () => ({ ...line, label: '🍺'.repeat(20) })) } }]),
      frame([{ ...base, kind: 'SHC', asset: null, meta: {} }]),
      { type: 'push', entries: [{ body: base, hash: 'cd'.repeat(32), sig: 'ef'.repeat(64) }], extra: 1 },
      JSON.parse('{"type":"push","entries":[{"body":' + JSON.stringify(base).replace('{', '{"__proto__":{},') + ',"hash":"' + 'cd'.repeat(32) + '","sig":"' + 'ef'.repeat(64) + '"}]}'),
    ];
    const answers = cases.map((value) => [readPush(value) !== null, Push.safeParse(value).success]);
    expect(answers).toEqual([[false, false], [false, false], [true, true], [false, false], [false, false], [false, false], [false, false], [false, false], [false, false]]);
  });
});
