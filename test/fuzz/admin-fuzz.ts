import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { TestHub } from '../../apps/hub/test/admin-support';
import { arbitraryFor, type JsonSchema, type Pools } from './schema-arbitrary';
import { encode, encoding, mutateValue, mutation, type Encoding, type Mutation } from './mutations';

/**
 * Fuzzes every operation of the admin API, as its OpenAPI document describes it:
 * bodies, path and query parameters generated valid (drawing ids from what the
 * database holds), then mutated or broken on the wire. Each answer must be a
 * typed JSON answer below 500, and an answer that refuses must leave the
 * database as it was.
 */

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: { type: 'json' | 'csv'; schema: JsonSchema };
  params: { name: string; in: 'path' | 'query' | 'header'; schema: JsonSchema; required: boolean }[];
}

interface Case {
  operation: number;
  body: unknown;
  params: Record<string, unknown>;
  change: Mutation;
  wire: Encoding;
}

export interface FuzzReport {
  cases: number;
  statuses: Record<number, number>;
}

// Rows that say what the hub holds. Logs of attempts (requests, audit) may grow on a refusal: they are the record of it.
const STATE_TABLES = ['transfers', 'entries', 'cards', 'users', 'wallets', 'places', 'assets', 'federations', 'products', 'terminals', 'payouts', 'payout_batches', 'payments', 'operator_tokens', 'card_primary_places'];

export async function fingerprint(hub: TestHub): Promise<string> {
  const read = hub.context.storage.read;
  const counts = await Promise.all(STATE_TABLES.map(async (table) => (await read.all<{ n: number | string }>(sql`select count(*) as n from ${sql.identifier(table)}`))[0]?.n));
  const [sums] = await read.all<{ amount: number | string | null; lost: number | string }>(
    sql`select (select coalesce(sum(amount), 0) from transfers) as amount, (select count(*) from cards where lost_at is not null) as lost`,
  );
  return JSON.stringify([counts.map(Number), Number(sums?.amount), Number(sums?.lost)]);
}

export async function loadOperations(hub: TestHub): Promise<Operation[]> {
  const document = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, any>> };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      const content = spec.requestBody?.content ?? {};
      const body = content['application/json'] ? { type: 'json' as const, schema: content['application/json'].schema } : content['text/csv'] ? { type: 'csv' as const, schema: content['text/csv'].schema } : undefined;
      const params = (spec.parameters ?? []).map((param: any) => ({ name: param.name, in: param.in, schema: param.schema ?? {}, required: Boolean(param.required) }));
      operations.push({ method: method.toUpperCase() as Operation['method'], path, body, params });
    }
  }
  return operations;
}

/** What the database names today, so that generated requests reach the rules behind "unknown". */
export async function loadPools(hub: TestHub, tags: string[]): Promise<Pools> {
  const get = async (url: string): Promise<any[]> => {
    const answer = (await hub.call('GET', url)).json;
    // Lists answer {places: [...]}, {assets: [...]}...: the one array in the object.
    return Array.isArray(answer) ? answer : ((Object.values(answer ?? {}).find(Array.isArray) as any[] | undefined) ?? []);
  };
  const lists = ['places', 'assets', 'federations', 'products', 'terminals', 'users', 'payouts', 'payout-batches'];
  const [places = [], assets = [], federations = [], products = [], terminals = [], users = [], payouts = [], batches = []] = await Promise.all(lists.map((list) => get(`/api/v1/${list}`)));
  const idsOf = (rows: any[]) => rows.map((row) => row.id).filter((id): id is string => typeof id === 'string');
  const wallets = [...places, ...users].flatMap((row: any) => [row.wallet, row.walletId]).filter((id): id is string => typeof id === 'string');
  const ids = [...idsOf(places), ...idsOf(assets), ...idsOf(federations), ...idsOf(products), ...idsOf(terminals), ...idsOf(users), ...wallets];
  const emails = users.map((user: any) => user.email).filter(Boolean);
  return {
    uuids: [...new Set(ids)],
    tags,
    emails,
    words: ['cash', 'card', 'Bar du Port', 'Jeton'],
    named: {
      asset: idsOf(assets),
      place: idsOf(places),
      federation: idsOf(federations),
      product: idsOf(products),
      terminal: idsOf(terminals),
      wallet: wallets,
      user: idsOf(users),
      'payout-batch': idsOf(batches),
      payout: idsOf(payouts),
      email: emails,
      card: tags,
      tag: tags,
    },
  };
}

function caseArbitrary(operations: Operation[], pools: Pools): fc.Arbitrary<Case> {
  const perOperation = operations.map((operation, index) =>
    fc.record({
      operation: fc.constant(index),
      body: operation.body ? (operation.body.type === 'csv' ? csvBody(pools) : arbitraryFor(operation.body.schema, pools)) : fc.constant(undefined),
      params: fc.record(Object.fromEntries(operation.params.map((param) => [param.name, arbitraryFor(param.schema, pools, 0, hintOf(operation, param.name))])), {
        requiredKeys: operation.params.filter((param) => param.required || param.in === 'path' || param.name === 'idempotency-key').map((param) => param.name),
      }),
      change: mutation,
      wire: encoding,
    }),
  );
  return fc.oneof(...perOperation);
}

/** What a parameter names: `{id}` takes its kind from the path before it (`/terminals/{id}` names a terminal). */
function hintOf(operation: Operation, name: string): string {
  if (name !== 'id') return name;
  const segments = operation.path.split('/');
  const collection = segments[segments.indexOf('{id}') - 1] ?? '';
  return collection.replace(/ies$/, 'y').replace(/es$/, '').replace(/s$/, '');
}

/** Factory CSVs with their broken lines: the card import is the one body that is not JSON. */
function csvBody(pools: Pools): fc.Arbitrary<string> {
  const line = fc.oneof(
    fc.tuple(fc.uuid(), fc.integer({ min: 0, max: 99_999_999 }), fc.stringMatching(/^[0-9A-F]{8}$/)).map(([uuid, number, tag]) => `https://tibillet.coop/qr/${uuid},${String(number).padStart(8, '0')},${tag}`),
    fc.constantFrom(...(pools.tags.length ? pools.tags : ['04A00000'])).map((tag) => `https://tibillet.coop/qr/0190a0b0-0000-7000-8000-000000000001,00000001,${tag}`),
    fc.string({ maxLength: 60 }),
  );
  return fc.tuple(fc.constantFrom('qr_url,number,tag_id', 'qr_url;number;tag_id', '', 'garbage'), fc.array(line, { maxLength: 6 })).map(([header, lines]) => [header, ...lines].join('\n'));
}

function urlOf(operation: Operation, params: Record<string, unknown>): string {
  let path = operation.path;
  const query = new URLSearchParams();
  for (const param of operation.params) {
    const value = params[param.name];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (param.in === 'path') path = path.replace(`{${param.name}}`, encodeURIComponent(text));
    if (param.in === 'query') query.set(param.name, text);
  }
  return query.size ? `${path}?${query}` : path;
}

function headersOf(operation: Operation, params: Record<string, unknown>, hub: TestHub): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${hub.token}` };
  for (const param of operation.params) {
    const value = params[param.name];
    // A header is a line of visible ASCII: anything else is refused by the HTTP layer before the hub sees it.
    if (param.in === 'header' && typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)) headers[param.name] = value;
  }
  if (operation.body) headers['content-type'] = operation.body.type === 'csv' ? 'text/csv' : 'application/json';
  return headers;
}

/** Sends one case; a failure is thrown with what was sent and what came back. */
async function send(hub: TestHub, operations: Operation[], item: Case, statuses: Record<number, number>): Promise<void> {
  const operation = operations[item.operation]!;
  const value = operation.body?.type === 'csv' ? item.body : mutateValue(item.body, item.change);
  const payload = operation.body ? (operation.body.type === 'csv' && item.wire.kind === 'json' ? Buffer.from(String(value)) : encode(value, item.wire)) : undefined;
  const before = await fingerprint(hub);
  const response = await hub.app.inject({ method: operation.method, url: urlOf(operation, item.params), headers: headersOf(operation, item.params, hub), ...(payload ? { payload } : {}) });
  statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
  if (process.env.FUZZ_DEBUG && response.statusCode >= 400) console.log(`${response.statusCode} ${operation.method} ${operation.path} ${response.body.slice(0, 120)}`);
  const what = `${operation.method} ${urlOf(operation, item.params)} ${payload ? payload.subarray(0, 300).toString('utf8') : ''} -> ${response.statusCode} ${response.body.slice(0, 300)}`;
  // 503 is the hub saying a part is not configured here (a payment provider): typed, and it must change nothing either.
  if (response.statusCode >= 500 && response.statusCode !== 503) throw new Error(`a server error: ${what}`);
  if (response.statusCode >= 400) {
    const code = safeJson(response.body)?.error?.code;
    if (typeof code !== 'string') throw new Error(`a refusal without a typed error: ${what}`);
    const after = await fingerprint(hub);
    if (after !== before) throw new Error(`a refusal changed the database (${before} -> ${after}): ${what}`);
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs `cases` generated requests in rounds; each round reloads the pools, so ids
 * created by earlier rounds are drawn too. Throws fast-check's report (with its
 * seed and the shrunk case) at the first failure.
 */
export async function fuzzAdminApi(hub: TestHub, options: { cases: number; seed: number; tags: string[]; round?: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const operations = await loadOperations(hub);
  const statuses: Record<number, number> = {};
  const round = options.round ?? 500;
  let done = 0;
  for (let index = 0; done < options.cases; index++) {
    const runs = Math.min(round, options.cases - done);
    const cases = caseArbitrary(operations, await loadPools(hub, options.tags));
    await fc.assert(
      fc.asyncProperty(cases, (item) => send(hub, operations, item, statuses)),
      { numRuns: runs, seed: options.seed + index, endOnFailure: false },
    );
    done += runs;
    options.onProgress?.(done);
  }
  return { cases: done, statuses };
}
