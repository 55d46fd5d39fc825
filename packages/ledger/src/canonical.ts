/**
 * RFC 8785 JSON Canonicalization Scheme, restricted to what LEDGER.md allows in a
 * body: strings, safe integers, booleans, null, arrays and plain objects.
 * Anything else is a programmer error and throws a CanonicalError.
 */

export class CanonicalError extends Error {
  override readonly name = 'CanonicalError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || '(root)'}`);
  }
}

export function canonicalize(value: unknown): string {
  // The path is kept as a stack of segments and only spelled out for an error:
  // building it as a string for every key cost more than the serialising.
  const path: (string | number)[] = [];
  return write(value, path, 0);
}

/**
 * The JCS text of an object whose keys are known and given in JCS order (sorted
 * by UTF-16 code units, plain identifiers needing no escape): the same text as
 * `canonicalize(object)` without listing and sorting the keys of every object.
 * A key whose value is undefined is left out, as canonicalize leaves it out.
 */
export function canonicalizeKnown(object: Readonly<Record<string, unknown>>, sortedKeys: readonly string[]): string {
  const path: (string | number)[] = [];
  let out = '{';
  for (const key of sortedKeys) {
    const item = object[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    path.push(key);
    out += `"${key}":${write(item, path, 1)}`;
    path.pop();
  }
  return out + '}';
}

const DEPTH_MAX = 64;

function write(value: unknown, path: (string | number)[], depth: number): string {
  if (depth > DEPTH_MAX) throw new CanonicalError('nesting deeper than 64', spell(path));
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalError('only safe integers are allowed', spell(path));
      // ECMAScript number formatting of an integer; -0 serialises as 0.
      return value === 0 ? '0' : String(value);
    case 'string':
      return quote(value, path);
    case 'object':
      if (Array.isArray(value)) return writeArray(value, path, depth);
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new CanonicalError('only plain objects are allowed', spell(path));
      }
      return writeObject(value as Record<string, unknown>, path, depth);
    default:
      throw new CanonicalError(`${typeof value} is not allowed`, spell(path));
  }
}

function writeArray(array: readonly unknown[], path: (string | number)[], depth: number): string {
  let out = '[';
  for (let index = 0; index < array.length; index++) {
    if (index > 0) out += ',';
    path.push(index);
    out += write(array[index], path, depth + 1);
    path.pop();
  }
  return out + ']';
}

function writeObject(object: Record<string, unknown>, path: (string | number)[], depth: number): string {
  // RFC 8785 §3.2.3: keys sorted by their UTF-16 code units, which is what the
  // default string comparison of Array.prototype.sort does.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    out += quotedKey(key, path);
    path.push(key);
    out += write(item, path, depth + 1);
    path.pop();
  }
  return out + '}';
}

function spell(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out;
}

/** Bodies repeat the same dozen keys: each is checked and quoted once. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 1_000;

function quotedKey(key: string, path: (string | number)[]): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${quote(key, path)}:`;
    if (quotedKeys.size >= QUOTED_KEYS_MAX) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Any surrogate at all: this test is cheaper than the one above. */
const SURROGATE = /[\uD800-\uDFFF]/;
/**
 * Printable ASCII but `"` and `\`: what JSON.stringify writes between quotes as
 * it is. Ids, times and hashes are all of it, and this test costs a tenth of
 * JSON.stringify on them.
 */
const PLAIN = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

function quote(text: string, path: readonly (string | number)[]): string {
  if (PLAIN.test(text)) return `"${text}"`;
  if (SURROGATE.test(text) && LONE_SURROGATE.test(text)) throw new CanonicalError('lone surrogate in string', spell(path));
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 asks for well-formed
  // strings: \b \t \n \f \r \" \\, other controls as \u00xx, nothing else.
  return JSON.stringify(text);
}
