import fc from 'fast-check';

/**
 * Values for a JSON Schema (the subset the hub's OpenAPI document uses), as a
 * fast-check arbitrary. Valid values are only half the point: a fuzzer that sends
 * random UUIDs never gets past "unknown place", so strings that name something
 * (a UUID, a card tag, an e-mail) are drawn from the ids the database really
 * holds most of the time, and generated the rest.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  default?: unknown;
}

/** Known values the generated strings draw from, by what they name. */
export interface Pools {
  uuids: string[];
  tags: string[];
  emails: string[];
  words: string[];
  /** Ids by the field names that hold them (`asset`, `place`, `wallet`...): a field named so draws its own kind first. */
  named: Record<string, string[]>;
}

function namedPool(pools: Pools, name: string | undefined): string[] {
  if (!name) return [];
  const key = Object.keys(pools.named).find((kind) => name.toLowerCase().includes(kind));
  return key ? pools.named[key]! : [];
}

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export function arbitraryFor(schema: JsonSchema, pools: Pools, depth = 0, name?: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((option) => arbitraryFor(option, pools, depth + 1, name)));
  if (schema.allOf?.length === 1) return arbitraryFor(schema.allOf[0]!, pools, depth + 1, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return objectOf(schema, pools, depth);
    case 'array': {
      const item = schema.items ? arbitraryFor(schema.items, pools, depth + 1, name) : fc.anything();
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    }
    case 'integer':
      return integerOf(schema);
    case 'number':
      return fc.oneof(integerOf(schema), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringOf(schema, pools, name);
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

function objectOf(schema: JsonSchema, pools: Pools, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const fields = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryFor(property, pools, depth + 1, name)]));
  return fc.record(fields, { requiredKeys: required.filter((name) => name in fields) });
}

function integerOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = Math.max(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000), Number.MIN_SAFE_INTEGER);
  const max = Math.min(schema.maximum ?? 1_000_000_000, Number.MAX_SAFE_INTEGER);
  // Small amounts are the ones a balance can cover: they reach the ledger's rules.
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max: Math.min(max, Math.max(min, 5_000)) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
}

function stringOf(schema: JsonSchema, pools: Pools, name?: string): fc.Arbitrary<string> {
  const own = namedPool(pools, name);
  if (schema.pattern === UUID_PATTERN || schema.format === 'uuid') return fromPool(own.length ? own : pools.uuids, fc.uuid({ version: [4, 7] }));
  if (schema.format === 'email') return fromPool(pools.emails, fc.emailAddress());
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 200);
  const text = fc.string({ minLength, maxLength, unit: 'grapheme' });
  const fitting = (values: string[]) => values.filter((value) => value.length >= minLength && value.length <= maxLength);
  const named = fitting(own).length ? fitting(own) : fitting([...pools.tags, ...pools.emails, ...pools.words, ...pools.uuids]);
  return fromPool(named, text);
}

function fromPool(pool: string[], generated: fc.Arbitrary<string>): fc.Arbitrary<string> {
  if (pool.length === 0) return generated;
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: generated });
}
