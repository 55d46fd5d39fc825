/**
 * The bytes LaBoutik and Lespass sign are made by Python (reference/fedow-clients.md
 * §1): `json.dumps` with its default separators and `ensure_ascii`, and
 * `datetime.isoformat`. What the hub must rebuild to check a signature lives here.
 * JSON bodies are never rebuilt: their signed message is base64url of the raw bytes.
 */

/** A JSON value as Python's `json.dumps` writes it (`", "`, `": "`, ASCII only). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
    return `{${fields.map(([key, field]) => `${pythonJsonString(key)}: ${pythonJsonDumps(field)}`).join(', ')}}`;
  }
  throw new Error(`pythonJsonDumps: ${typeof value} has no JSON form`);
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Python escapes everything outside space..tilde; JS strings are UTF-16, so emoji come out as surrogate pairs, as in Python. */
function pythonJsonString(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/**
 * Integers as digits. A float cannot be told from an integer once parsed in JS
 * (`1.0` is `1`), which is why bodies are checked over their raw bytes; for the
 * test client, other numbers take Python's exponent form (`1e-05`, `1e+16`).
 */
function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error('pythonJsonDumps: JSON has no NaN or Infinity');
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  const text = String(value);
  const exponent = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text);
  if (exponent) return `${exponent[1]}e${exponent[2]}${exponent[3]!.padStart(2, '0')}`;
  if (Number.isInteger(value)) return value.toExponential().replace(/e\+(\d)$/, 'e+0$1');
  if (Math.abs(value) < 1e-4) return value.toExponential().replace(/e-(\d)$/, 'e-0$1');
  return text;
}

/**
 * What the original verifies for the form-encoded LaBoutik handshake:
 * `json.dumps(QueryDict)`, i.e. each field once, in order of first appearance,
 * with its last value, all strings.
 */
export function formAsPythonJson(form: string): string {
  const fields = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(form)) fields.set(key, value);
  return pythonJsonDumps(Object.fromEntries(fields));
}

/** The form's fields, as `formAsPythonJson` reads them. */
export function formFields(form: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(form)) fields[key] = value;
  return fields;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:.(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{3}|\d{6}))?)?)?(?:([+-])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{6}))?)?)?)?$/su;

/**
 * `datetime.fromisoformat(text).isoformat()` as Python 3.10 (the original's
 * runtime) computes it, or null where Python raises: no `Z`, fractions of 3 or 6
 * digits only. `.123` becomes `.123000`, a zero fraction is dropped, a naive
 * time stays naive.
 */
export function pythonIsoformat(text: string): string | null {
  const match = ISO.exec(text);
  if (!match) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, sign, offsetHours, offsetMinutes, offsetSeconds, offsetFraction] = match;
  if (!validDate(Number(year), Number(month), Number(day)) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const micro = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
  let out = `${year}-${month}-${day}T${hour}:${minute}:${second}${micro === 0 ? '' : `.${String(micro).padStart(6, '0')}`}`;
  if (sign !== undefined) {
    const offset = pythonOffset(sign, Number(offsetHours), Number(offsetMinutes), Number(offsetSeconds ?? 0), Number(offsetFraction ?? 0));
    if (offset === null) return null;
    out += offset;
  }
  return out;
}

/** Python's utcoffset text: `+HH:MM`, then `:SS` and `.ffffff` only when non-zero; a zero offset is `+00:00`. */
function pythonOffset(sign: string, hours: number, minutes: number, seconds: number, micro: number): string | null {
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const zero = hours === 0 && minutes === 0 && seconds === 0 && micro === 0;
  const two = (n: number) => String(n).padStart(2, '0');
  let text = `${zero ? '+' : sign}${two(hours)}:${two(minutes)}`;
  if (seconds !== 0 || micro !== 0) text += `:${two(seconds)}`;
  if (micro !== 0) text += `.${String(micro).padStart(6, '0')}`;
  return text;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1]!;
}
