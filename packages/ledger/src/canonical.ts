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
  const parts: string[] = [];
  write(value, '', parts, 0);
  return parts.join('');
}

const DEPTH_MAX = 64;

function write(value: unknown, path: string, out: string[], depth: number): void {
  if (depth > DEPTH_MAX) throw new CanonicalError('nesting deeper than 64', path);
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalError('only safe integers are allowed', path);
      // ECMAScript number formatting of an integer; -0 serialises as 0.
      out.push(String(value === 0 ? 0 : value));
      return;
    case 'string':
      out.push(quote(value, path));
      return;
    case 'object':
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, index) => {
          if (index > 0) out.push(',');
          write(item, `${path}[${index}]`, out, depth + 1);
        });
        out.push(']');
        return;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new CanonicalError('only plain objects are allowed', path);
      }
      writeObject(value as Record<string, unknown>, path, out, depth);
      return;
    default:
      throw new CanonicalError(`${typeof value} is not allowed`, path);
  }
}

function writeObject(object: Record<string, unknown>, path: string, out: string[], depth: number): void {
  // RFC 8785 §3.2.3: keys sorted by their UTF-16 code units, which is what the
  // default string comparison of Array.prototype.sort does.
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(quote(key, path), ':');
    write(object[key], path ? `${path}.${key}` : key, out, depth + 1);
  });
  out.push('}');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function quote(text: string, path: string): string {
  if (LONE_SURROGATE.test(text)) throw new CanonicalError('lone surrogate in string', path);
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 asks for well-formed
  // strings: \b \t \n \f \r \" \\, other controls as \u00xx, nothing else.
  return JSON.stringify(text);
}
