import { ENTRY_KINDS, PATTERNS } from './primitives';
import { AMOUNT_MAX, LABEL_CHARS_MAX, META_BYTES_MAX, META_LINES_MAX, NOTE_CHARS_MAX, PUSH_ENTRIES_MAX } from './limits';
import { utf8LengthAbove } from './parse';
import type { Push } from './sync';

/**
 * A push frame's JSON read by hand, for the hub's hot path: zod cost more per
 * entry than anything the hub does around an entry but its signature check and
 * its inserts, and it copies every object it checks (docs/PERFORMANCE.md,
 * "The hub's CPU per entry").
 *
 * It answers the JSON value itself when it is certainly a valid `Push` (the
 * same rules as the schema, `Push` in sync.ts, or stricter), and null otherwise:
 * the caller then runs the schema, which alone words the errors. So a frame
 * this reads is one the schema accepts (test/push-frame.test.ts checks it on
 * mutated frames), and a bad frame gets the schema's error, unchanged. The
 * rarer shapes (a cash count in meta) are left to the schema.
 */
export function readPush(json: unknown): Push | null {
  if (!isPlain(json) || json.type !== 'push' || !hasOnly(json, PUSH_KEYS, 2)) return null;
  const entries = json.entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > PUSH_ENTRIES_MAX) return null;
  for (const entry of entries) if (!isWireEntry(entry)) return null;
  return json as unknown as Push;
}

const PUSH_KEYS = new Set(['type', 'entries']);
const WIRE_KEYS = new Set(['body', 'hash', 'sig']);
const BODY_KEYS = new Set(['v', 'id', 'terminal', 'seq', 'prev', 'at', 'kind', 'asset', 'amount', 'card', 'primary', 'auth', 'meta']);
/** The body's keys but `meta`, all required. */
const BODY_REQUIRED = BODY_KEYS.size - 1;
const META_KEYS = new Set(['payment', 'lines', 'note', 'shift', 'expected']);
const LINE_KEYS = new Set(['label', 'qty', 'unit']);
const KINDS = new Set<unknown>(ENTRY_KINDS);
/** The kinds whose asset is null (the schema's first refinement). */
const NO_ASSET = new Set<unknown>(['VID', 'SHO', 'SHC']);

const { hex64: HASH, signature: SIGNATURE, uuid: UUID, cardUid: CARD_UID, timestamp: TIMESTAMP } = PATTERNS;

type Plain = Record<string, unknown>;

/** An object as JSON.parse makes them: not an array, not null. */
function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** No key outside `allowed`, and `required` of them present (the caller's required keys, checked by the caller's reads). */
function hasOnly(value: Plain, allowed: ReadonlySet<string>, required: number): boolean {
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !allowed.has(key)) return false;
    count++;
  }
  return count >= required;
}

function matches(value: unknown, pattern: RegExp): boolean {
  return typeof value === 'string' && pattern.test(value);
}

function intIn(value: unknown, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

function isWireEntry(entry: unknown): boolean {
  if (!isPlain(entry) || !hasOnly(entry, WIRE_KEYS, 3)) return false;
  return matches(entry.hash, HASH) && matches(entry.sig, SIGNATURE) && isBody(entry.body);
}

function isBody(body: unknown): boolean {
  if (!isPlain(body)) return false;
  const hasMeta = Object.hasOwn(body, 'meta');
  if (!hasOnly(body, BODY_KEYS, hasMeta ? BODY_REQUIRED + 1 : BODY_REQUIRED)) return false;
  const ok =
    body.v === 1 &&
    matches(body.id, UUID) &&
    matches(body.terminal, UUID) &&
    intIn(body.seq, 1, Number.MAX_SAFE_INTEGER) &&
    matches(body.prev, HASH) &&
    matches(body.at, TIMESTAMP) &&
    KINDS.has(body.kind) &&
    (body.asset === null || matches(body.asset, UUID)) &&
    intIn(body.amount, 0, AMOUNT_MAX) &&
    matches(body.card, CARD_UID) &&
    matches(body.primary, CARD_UID) &&
    (body.auth === 'online' || body.auth === 'offline') &&
    (!hasMeta || isMeta(body.meta));
  if (!ok || NO_ASSET.has(body.kind) !== (body.asset === null)) return false;
  // A shift close names its shift; a cash count (SHO, SHC) is left to the schema.
  return body.kind !== 'SHC' || (hasMeta && (body.meta as Plain).shift !== undefined);
}

function isMeta(meta: unknown): boolean {
  if (!isPlain(meta) || !hasOnly(meta, META_KEYS, 0)) return false;
  if (meta.payment !== undefined && meta.payment !== 'cash' && meta.payment !== 'card') return false;
  if (meta.note !== undefined && (typeof meta.note !== 'string' || meta.note.length > NOTE_CHARS_MAX)) return false;
  if (meta.shift !== undefined && !matches(meta.shift, UUID)) return false;
  if (meta.expected !== undefined && !intIn(meta.expected, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) return false;
  if (meta.lines !== undefined) {
    if (!Array.isArray(meta.lines) || meta.lines.length > META_LINES_MAX) return false;
    for (const line of meta.lines) if (!isLine(line)) return false;
  }
  return !utf8LengthAbove(JSON.stringify(meta), META_BYTES_MAX);
}

function isLine(line: unknown): boolean {
  if (!isPlain(line) || !hasOnly(line, LINE_KEYS, 3)) return false;
  const { label, qty, unit } = line;
  return typeof label === 'string' && label.length >= 1 && label.length <= LABEL_CHARS_MAX && intIn(qty, 1, 10_000) && intIn(unit, 0, AMOUNT_MAX);
}
