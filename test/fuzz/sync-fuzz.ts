import fc from 'fast-check';
import { AMOUNT_MAX, CLOSE_CODES, ENTRY_KINDS, type EntryBody, type EntryKind, type HubMessage, type WireEntry } from '@fedow/protocol';
import { CASHIER, CASHIER_B, type Seeded, type SeededTill } from '../../support/seed';
import { SpecTill } from '../../support/spec-till';
import { verifyChain } from '../../apps/hub/src/verify/verify-chain';
import { unfreezeTerminal } from '../../apps/hub/src/directory/terminals';
import { setPrimary } from '../../apps/hub/src/directory/cards';
import { encode, encoding, mutateValue, mutation, type Encoding, type Mutation } from './mutations';
import { sql } from 'drizzle-orm';

/**
 * Fuzzes `/sync` over a real WebSocket (issue 15, part 2). Two kinds of case:
 * - entries a till really signed, with fields drawn anywhere (unknown cards,
 *   foreign assets, huge amounts, dates far off) and chains broken on purpose
 *   (gaps, replays, forks, forged signatures): they reach the ledger's rules;
 * - messages broken below the signature (a field missing or of the wrong type,
 *   cut short, not UTF-8, binary): they must be refused before anything is stored.
 * Whatever arrives, the hub answers or closes with a documented code, never
 * 1011 (its own failure), keeps serving, and its ledger passes `fedow verify`.
 */

type ChainMode = 'valid' | 'gap' | 'replay' | 'fork' | 'forged';

interface EntryDraft {
  kind: EntryKind;
  card: string;
  primary: string;
  asset: string | null;
  amount: number;
  auth: 'online' | 'offline';
  atOffsetMs: number;
  meta?: EntryBody['meta'];
}

type SyncCase =
  | { kind: 'entries'; till: number; chain: ChainMode; drafts: EntryDraft[] }
  | { kind: 'raw'; till: number; message: 'push' | 'hello' | 'pong' | 'updated'; beforeHello: boolean; change: Mutation; wire: Encoding };

const TILLS = 6;
const OWN_CASHIER = 'own';
const DOCUMENTED_CLOSES = new Set<number>([1000, 1005, 1006, ...Object.values(CLOSE_CODES).filter((code) => code !== CLOSE_CODES.internalError)]);

function draftArbitrary(world: Seeded): fc.Arbitrary<EntryDraft> {
  const uid = fc.stringMatching(/^[0-9A-F]{8}$/);
  return fc.record(
    {
      kind: fc.constantFrom(...ENTRY_KINDS),
      card: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...world.cards) }, { weight: 1, arbitrary: fc.constantFrom(CASHIER, CASHIER_B) }, { weight: 1, arbitrary: uid }),
      // 'own': the cashier card of the till's place, resolved when signing (a shift's card may be 'own' too).
      primary: fc.oneof({ weight: 6, arbitrary: fc.constant(OWN_CASHIER) }, { weight: 1, arbitrary: fc.oneof(uid, fc.constantFrom(CASHIER, CASHIER_B, ...world.cards)) }),
      asset: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(world.local, world.gift, world.fed) }, { weight: 1, arbitrary: fc.uuid({ version: 4 }) }),
      amount: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: AMOUNT_MAX }) }),
      auth: fc.constantFrom('online', 'offline'),
      atOffsetMs: fc.oneof(fc.integer({ min: -60_000, max: 1_000 }), fc.integer({ min: -30 * 86_400_000, max: 2 * 86_400_000 })),
      meta: fc.option(fc.record({ payment: fc.constantFrom('cash', 'card'), note: fc.string({ maxLength: 40 }) }, { requiredKeys: [] }), { nil: undefined }),
    },
    { requiredKeys: ['kind', 'card', 'primary', 'asset', 'amount', 'auth', 'atOffsetMs'] },
  )
    // A shift is the cashier's own card (LEDGER.md): three times in four it names it, so shifts reach the rules past that check.
    .chain((draft) => (draft.kind === 'SHO' || draft.kind === 'SHC' ? fc.nat(3).map((n) => (n < 3 ? { ...draft, card: OWN_CASHIER } : draft)) : fc.constant(draft))) as fc.Arbitrary<EntryDraft>;
}

function caseArbitrary(world: Seeded): fc.Arbitrary<SyncCase> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('entries' as const),
        till: fc.nat(TILLS - 1),
        chain: fc.constantFrom<ChainMode>('valid', 'valid', 'valid', 'gap', 'replay', 'fork', 'forged'),
        drafts: fc.array(draftArbitrary(world), { minLength: 1, maxLength: 4 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        till: fc.nat(TILLS - 1),
        message: fc.constantFrom('push', 'push', 'hello', 'pong', 'updated') as fc.Arbitrary<'push' | 'hello' | 'pong' | 'updated'>,
        beforeHello: fc.boolean(),
        change: mutation,
        wire: encoding,
      }),
    },
  );
}

export interface SyncFuzzReport {
  cases: number;
  outcomes: Record<string, number>;
}

/** One till of the campaign: its keys, and its connection when it has one. */
class FuzzTill {
  spec: SpecTill | null = null;
  lastPushed: WireEntry[] = [];
  openShift: string | null = null;
  constructor(public till: SeededTill) {}
}

export class SyncFuzzer {
  private tills: FuzzTill[] = [];
  readonly outcomes: Record<string, number> = {};
  private unhandled: unknown[] = [];
  private readonly onUnhandled = (reason: unknown) => this.unhandled.push(reason);

  constructor(
    private readonly world: Seeded,
    private readonly url: string,
  ) {}

  async start(): Promise<void> {
    process.on('unhandledRejection', this.onUnhandled);
    for (let index = 0; index < TILLS; index++) this.tills.push(new FuzzTill(await this.world.till(index % 2 === 0 ? 'A' : 'B', 100 + index)));
  }

  stop(): void {
    process.off('unhandledRejection', this.onUnhandled);
    for (const till of this.tills) till.spec?.close();
  }

  async run(options: { cases: number; seed: number; onProgress?: (done: number) => void; checkEvery?: number }): Promise<SyncFuzzReport> {
    let done = 0;
    const checkEvery = options.checkEvery ?? 250;
    await fc.assert(
      fc.asyncProperty(caseArbitrary(this.world), async (item) => {
        await this.play(item);
        done++;
        if (done % checkEvery === 0) await this.checkLedger(`after ${done} cases`);
        if (done % 50 === 0) options.onProgress?.(done);
      }),
      { numRuns: options.cases, seed: options.seed, endOnFailure: true },
    );
    await this.checkLedger('at the end');
    return { cases: done, outcomes: this.outcomes };
  }

  private count(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  private async play(item: SyncCase): Promise<void> {
    const fuzzTill = this.tills[item.till]!;
    if (item.kind === 'raw' && item.beforeHello) return this.playBeforeHello(fuzzTill, item);
    const spec = await this.connected(fuzzTill);
    if (!spec) return this.count('till unavailable');
    const before = await this.entriesStored();
    if (item.kind === 'entries') {
      spec.send({ type: 'push', entries: this.sign(fuzzTill, spec, item) });
      await this.settle(spec, 'push');
      if (item.drafts.some((draft) => draft.kind === 'VID' && (draft.card === CASHIER || draft.card === CASHIER_B))) await this.keepCashiers();
      // The next case reads the chain head from the hub again: what it kept of a broken chain is its call.
      this.disconnect(fuzzTill);
      return;
    }
    const head = { seq: spec.seq, prev: spec.prev };
    const bytes = encode(mutateValue(this.validMessage(fuzzTill, spec, item.message), item.change), item.wire);
    const broken = item.change.kind !== 'none' || item.wire.kind !== 'json';
    if (item.wire.kind === 'binary') spec.rawSocket.send(bytes, { binary: true });
    else spec.rawSocket.send(bytes);
    const answer = await this.settle(spec, item.message);
    if (answer === 'ack') this.disconnect(fuzzTill);
    else Object.assign(spec, head);
    // A message broken below its signature never stores an entry (a mutated push may still be well-formed, then the ack says what happened).
    if (broken && answer !== 'ack' && (await this.entriesStored()) !== before) throw new Error(`a refused ${item.message} stored entries (${before} → ${await this.entriesStored()})`);
  }

  /** A message sent before hello must close the connection with a documented code. */
  private async playBeforeHello(fuzzTill: FuzzTill, item: Extract<SyncCase, { kind: 'raw' }>): Promise<void> {
    this.disconnect(fuzzTill);
    // Breaking the protocol before hello costs the address a back-off (DECISIONS.md): each case comes from an address of its own.
    const spec = new SpecTill(fuzzTill.till, this.url, this.nextAddress());
    await spec.open();
    await spec.next((message) => message.type === 'challenge');
    const bytes = encode(mutateValue(this.validMessage(fuzzTill, spec, item.message), item.change), item.wire);
    if (item.wire.kind === 'binary') spec.rawSocket.send(bytes, { binary: true });
    else spec.rawSocket.send(bytes);
    const outcome = await Promise.race([spec.closed(3_000).then((code) => `closed ${code}`), spec.next(() => true, 3_000).then((message) => message.type)]).catch(() => 'silence');
    this.count(`before hello: ${outcome}`);
    this.expectDocumentedClose(spec, item.message);
    spec.close();
  }

  /** Waits for the hub's answer to what was just sent: an ack, an error, a close, or nothing (pong, updated). */
  private async settle(spec: SpecTill, sent: string): Promise<string> {
    const expectsAnswer = sent === 'push' || sent === 'hello';
    const answer = await Promise.race([
      spec.next((message: HubMessage) => message.type === 'ack' || message.type === 'error', expectsAnswer ? 10_000 : 150).then((message) => {
        if (message.type === 'error') return `error ${message.code}`;
        if (message.type === 'ack') for (const result of message.results) this.count(`entry ${result.status}${result.reason ? ` ${result.reason}` : ''}`);
        return 'ack';
      }),
      spec.closed(expectsAnswer ? 10_000 : 150).then((code) => `closed ${code}`),
    ]).catch(() => (expectsAnswer ? 'no answer' : 'silence'));
    this.count(`${sent}: ${answer}`);
    if (answer === 'no answer') throw new Error(`the hub did not answer a ${sent} within 10 s`);
    this.expectDocumentedClose(spec, sent);
    if (this.unhandled.length) throw new Error(`an unhandled rejection in the hub: ${String(this.unhandled[0])}`);
    return answer.split(' ')[0]!;
  }

  private expectDocumentedClose(spec: SpecTill, sent: string): void {
    if (spec.closeCode !== null && !DOCUMENTED_CLOSES.has(spec.closeCode)) throw new Error(`after a ${sent}, the hub closed with ${spec.closeCode}`);
  }

  /** Connects (again) when needed and takes the chain head from welcome; null when the till is frozen or held back. */
  private async connected(fuzzTill: FuzzTill): Promise<SpecTill | null> {
    if (fuzzTill.spec && fuzzTill.spec.closeCode === null) return fuzzTill.spec;
    const spec = new SpecTill(fuzzTill.till, this.url);
    const welcome = await spec.connect().catch(() => null);
    const answer = welcome as HubMessage | null;
    if (!welcome || answer?.type !== 'welcome') {
      const code = answer?.type === 'error' ? answer.code : 'closed';
      spec.close();
      // A fork or too many forged entries freeze a till, as they must: an operator's unfreeze lets the campaign go on with it.
      if (code === 'frozen') {
        await unfreezeTerminal(this.world.hub.context, fuzzTill.till.id);
        this.count('till frozen, then unfrozen');
      }
      if (code === 'revoked') fuzzTill.till = await this.world.till(fuzzTill.till.place === this.world.placeA.id ? 'A' : 'B', this.nextKeySeed());
      return null;
    }
    spec.seq = answer.lastSeq;
    spec.prev = answer.lastHash;
    fuzzTill.spec = spec;
    return spec;
  }

  private sign(fuzzTill: FuzzTill, spec: SpecTill, item: Extract<SyncCase, { kind: 'entries' }>): WireEntry[] {
    if (item.chain === 'replay' && fuzzTill.lastPushed.length) return fuzzTill.lastPushed;
    if (item.chain === 'gap') spec.seq += 1;
    if (item.chain === 'fork' && spec.seq > 0) spec.seq -= 1;
    const entries = item.drafts.map((draft) => {
      // A shift close names the last shift this till opened (or its own id: a close of nothing).
      const meta = draft.kind === 'SHC' ? { ...draft.meta, shift: fuzzTill.openShift ?? fuzzTill.till.id } : draft.meta;
      const entry = spec.entry(draft.kind, {
        card: draft.card === OWN_CASHIER ? this.cashierOf(fuzzTill) : draft.card,
        primary: draft.primary === OWN_CASHIER ? this.cashierOf(fuzzTill) : draft.primary,
        asset: draft.kind === 'VID' || draft.kind === 'SHO' || draft.kind === 'SHC' ? null : draft.asset,
        amount: draft.amount,
        auth: draft.auth,
        at: new Date(Date.now() + draft.atOffsetMs).toISOString(),
        ...(meta ? { meta } : {}),
      });
      if (draft.kind === 'SHO') fuzzTill.openShift = entry.body.id;
      return entry;
    });
    if (item.chain === 'forged') entries[entries.length - 1] = { ...entries[entries.length - 1]!, sig: 'ab'.repeat(64) };
    fuzzTill.lastPushed = entries;
    return entries;
  }

  private cashierOf(fuzzTill: FuzzTill): string {
    return fuzzTill.till.place === this.world.placeA.id ? CASHIER : CASHIER_B;
  }

  // Seeded tills take their key from one byte: 100–255 are the campaign's.
  private keySeeds = 100 + TILLS;
  private nextKeySeed(): number {
    if (this.keySeeds > 255) throw new Error('more than 150 tills revoked: the campaign has nothing left to learn');
    return this.keySeeds++;
  }

  private addresses = 0;
  private nextAddress(): string {
    const n = ++this.addresses;
    return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`.replace(/^127\.0\.0\.1$/, '127.0.1.1');
  }

  /**
   * A till may void its own cashier card, and the ledger then takes the card away
   * from the place (LEDGER.md's VID). Every later entry of that place would be
   * refused as `invalid_primary_card`, and the rest of the campaign would test that
   * one refusal: as with a frozen till, the operator puts the card back.
   */
  private async keepCashiers(): Promise<void> {
    for (const [tag, place] of [[CASHIER, this.world.placeA.id], [CASHIER_B, this.world.placeB.id]] as const) {
      const rows = await this.world.hub.context.storage.read.all<{ n: number | string }>(
        sql`select count(*) as n from card_primary_places join cards on cards.id = card_primary_places.card_id where cards.first_tag_id = ${tag} and card_primary_places.place_id = ${place}`,
      );
      if (Number(rows[0]?.n) > 0) continue;
      await setPrimary(this.world.hub.context, { tag, place, primary: true });
      this.count('cashier card voided, then made primary again');
    }
  }

  private disconnect(fuzzTill: FuzzTill): void {
    fuzzTill.spec?.close();
    fuzzTill.spec = null;
  }

  private validMessage(fuzzTill: FuzzTill, spec: SpecTill, kind: 'push' | 'hello' | 'pong' | 'updated'): unknown {
    switch (kind) {
      case 'push':
        return { type: 'push', entries: [spec.entry('SAL', { card: this.world.cards[0]!, primary: this.cashierOf(fuzzTill), asset: this.world.local, amount: 1 })] };
      case 'hello':
        return { type: 'hello', terminal: fuzzTill.till.id, protocol: 1, agent: 'fuzz/1', sig: 'cd'.repeat(64) };
      case 'pong':
        return { type: 'pong', t: Date.now() };
      case 'updated':
        return { type: 'updated', cursor: '0' };
    }
  }

  private async entriesStored(): Promise<number> {
    const [row] = await this.world.hub.context.storage.read.all<{ n: number | string }>(sql`select count(*) as n from entries`);
    return Number(row?.n);
  }

  private async checkLedger(when: string): Promise<void> {
    const verdict = await verifyChain(this.world.hub.context);
    if (verdict.firstDiscrepancy) throw new Error(`fedow verify fails ${when}: ${JSON.stringify(verdict.firstDiscrepancy)}`);
  }
}
