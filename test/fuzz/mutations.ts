import fc from 'fast-check';

/**
 * Mutations of a valid message: the ways a buggy client, an old version or an
 * attacker gets one wrong. `mutateValue` breaks the structure (a field missing,
 * one too many, a value of the wrong type or size, nesting that goes on);
 * `mutateBytes` breaks the encoding (cut short, not UTF-8, not JSON at all).
 */

const deep = (levels: number): unknown => {
  let value: unknown = 0;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
};

/** Values of the wrong type or size, wherever they land. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    '',
    [],
    {},
    -1,
    0.5,
    -0,
    1e308,
    -1e308,
    2 ** 53,
    2 ** 63,
    Number.MAX_SAFE_INTEGER + 2,
    '\ud800',
    '\u0000',
    '1e999',
    'NaN',
    '💶'.repeat(300),
    'x'.repeat(100_000),
    deep(300),
    { __proto__: { admin: true } },
    JSON.parse('{"__proto__":{"polluted":1}}'),
    { constructor: { prototype: { polluted: 1 } } },
  ),
  fc.anything({ maxDepth: 3 }),
  fc.integer(),
  fc.string(),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  into.push(prefix);
  if (value && typeof value === 'object' && into.length < 200) {
    for (const [key, child] of Object.entries(value)) pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key], into);
  }
  return into;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function nodeAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, even one named __proto__ (JSON.parse makes those too). */
function put(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export type Mutation = { kind: 'none' } | { kind: 'replace' | 'drop' | 'extra' | 'whole'; at: number; odd: unknown; name: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('replace', 'drop', 'extra', 'whole') as fc.Arbitrary<'replace' | 'drop' | 'extra' | 'whole'>,
      at: fc.nat(),
      odd: oddValue,
      name: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'id', 'type')),
    }),
  },
);

export function mutateValue(value: unknown, change: Mutation): unknown {
  if (change.kind === 'none') return value;
  if (change.kind === 'whole') return change.odd;
  const copy = clone(value);
  if (change.kind === 'extra') {
    const objects = pathsOf(copy).filter((path) => isRecord(nodeAt(copy, path)));
    if (objects.length === 0) return change.odd;
    put(nodeAt(copy, objects[change.at % objects.length]!) as Record<string, unknown>, change.name, change.odd);
    return copy;
  }
  const paths = pathsOf(copy).filter((path) => path.length > 0);
  if (paths.length === 0) return change.odd;
  const path = paths[change.at % paths.length]!;
  const parent = nodeAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (change.kind === 'replace') put(parent, key, change.odd);
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return copy;
}

export type Encoding = { kind: 'json' } | { kind: 'truncate' | 'garble'; at: number } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'text'; text: string };

export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Encoding>({ kind: 'json' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('truncate', 'garble') as fc.Arbitrary<'truncate' | 'garble'>, at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.constantFrom('', 'null', '[]', '{', '"', '1', 'true', '{"a":', '\ufeff{}', '['.repeat(50_000) + ']'.repeat(50_000), '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)) }) },
);

/** The bytes sent on the wire for `value`, once the encoding has been broken or not. */
export function encode(value: unknown, how: Encoding): Buffer {
  const json = Buffer.from(JSON.stringify(value) ?? 'undefined', 'utf8');
  switch (how.kind) {
    case 'json':
      return json;
    case 'truncate':
      return json.subarray(0, how.at % Math.max(json.length, 1));
    case 'garble': {
      const bytes = Buffer.from(json);
      // 0xC3 0x28 and a lone 0xFF are never valid UTF-8.
      const at = how.at % Math.max(bytes.length, 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(at)]);
    }
    case 'binary':
      return Buffer.from(how.bytes);
    case 'text':
      return Buffer.from(how.text, 'utf8');
  }
}
