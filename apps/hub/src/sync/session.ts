import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  HEARTBEAT_MS,
  PROTOCOL_VERSION,
  PUSH_WINDOW_MAX,
  SILENCE_MS_MAX,
  SYNC_MESSAGES_PER_SECOND_MAX,
  SYNC_ADDRESS_VIOLATIONS_FREE,
  TillMessage,
  UPDATE_CARDS_MAX,
  helloProof,
  FRAME_BYTES_MAX,
  parseFrame,
  readPush,
  type HubMessage,
  type SyncErrorCode,
  type Update,
} from '@fedow/protocol';
import { hashBody, verifyHash } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { iso, type Timer } from '../clock';
import type { HubContext } from '../context';
import { CryptoJobDropped } from '../crypto/pool';
import type { Ingest, PendingPush } from '../ingest/ingest';
import { submitTillQrSale } from '../money/till-qr-sale';
import * as repo from '../storage/repo';
import type { CardFeed, FeedSubscriber } from './card-feed';
import type { RateLimits } from './rate-limits';
import { cardSetKey, cardSetMessages } from './card-set';
import { cardFacts, deltaCards, forPlace, placeView, snapshotCardIds, type CardFacts, type PlaceView } from './card-states';

type Phase = 'challenged' | 'welcomed' | 'closed';

/** What a session needs of its WebSocket (`ws`'s), so the simulation can give its own network. */
export type SessionSocket = Pick<WebSocket, 'on' | 'send' | 'close' | 'terminate' | 'readyState' | 'OPEN'>;

export interface SessionHost {
  context: HubContext;
  ingest: Ingest;
  feed: CardFeed;
  /** Message budgets and back-offs per till and per address: they outlive a connection. */
  limits: RateLimits;
  /** A till has one connection: a new one replaces the old. */
  claim(terminal: string, session: SyncSession): void;
  release(terminal: string, session: SyncSession): void;
}

/**
 * One till's connection to /sync (SYNC.md). Messages are handled one at a time
 * in arrival order; pushes are acked only after their commit; card updates
 * follow the feed. Every failure of the till is an `error` message and, when
 * the connection cannot go on, a close code — never an exception.
 */
export class SyncSession implements FeedSubscriber {
  private phase: Phase = 'challenged';
  private readonly nonce = randomBytes(32).toString('hex');
  private terminal: repo.Terminal | null = null;
  private view: PlaceView | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Directory updates, once hello is done: they do not wait behind this till's pushes. */
  private directoryChain: Promise<void> | null = null;
  private pushesWaiting = 0;
  private readonly pushQueue: PendingPush[] = [];
  private lastHeard: number;
  private readonly heartbeat: Timer;
  private sentCursor = -1;
  /** The cursor of the last feed delivery queued (not yet sent, perhaps). */
  private deliveredCursor = -1;
  /** The feed's deliveries not sent yet, merged (`deliver`). */
  private waitingFacts: WaitingFacts | null = null;
  private acked = 0;
  private unsubscribe: (() => void) | null = null;
  private sentCardSet: string | null = null;

  constructor(
    private readonly socket: SessionSocket,
    private readonly host: SessionHost,
    private readonly address: string,
  ) {
    this.lastHeard = this.now();
    socket.on('message', (data, isBinary) => this.receive(isBinary ? null : data.toString()));
    socket.on('close', () => this.closed());
    socket.on('error', () => this.closed());
    this.heartbeat = host.context.timers.every(HEARTBEAT_MS, () => this.beat());
    const blocked = host.limits.blockedFor(this.addressKey, this.now());
    if (blocked > 0) {
      this.fail('rate_limited', `this address broke the protocol: retry in ${Math.ceil(blocked / 1000)} s`, CLOSE_CODES.protocolViolation);
      return;
    }
    this.send({ type: 'challenge', nonce: this.nonce, hub: host.context.key.publicKey, protocol: PROTOCOL_VERSION });
  }

  private get addressKey(): string {
    return `address:${this.address}`;
  }

  private get tillKey(): string {
    return `till:${this.terminal!.id}`;
  }

  /** Whose turn this connection's signature checks take on the crypto pool. */
  private get verifyKey(): string {
    return `${this.terminal!.id}/${this.nonce.slice(0, 16)}`;
  }

  /** Read through a getter: a closure's narrowing of `phase` does not survive an await. */
  private get isClosed(): boolean {
    return this.phase === 'closed';
  }

  private now(): number {
    return this.host.context.clock.now().getTime();
  }

  get terminalId(): string | null {
    return this.terminal?.id ?? null;
  }

  // ── receiving ──────────────────────────────────────────────────────────────

  private receive(text: string | null): void {
    if (this.phase === 'closed') return;
    this.lastHeard = this.now();
    if (this.terminal) this.host.context.presence.update(this.terminal.id, { lastMessageAt: iso(this.host.context.clock.now()) });
    // The budget is the till's once it is known, so a new connection does not refill it.
    if (this.terminal && !this.host.limits.take(this.tillKey, this.now())) {
      return this.violation(this.tillKey, `more than ${SYNC_MESSAGES_PER_SECOND_MAX} messages per second`);
    }
    if (text === null) return this.refuse('bad_message', 'binary frames are not part of the protocol', CLOSE_CODES.protocolViolation);
    // Push frames, nearly all of the traffic, are read by hand; anything else, or a bad push, by the schema.
    const parsed = parseFrame(TillMessage, text, FRAME_BYTES_MAX, readPush);
    if (!parsed.ok) {
      // Before hello nothing is trusted: a malformed first message ends the connection.
      if (this.phase !== 'welcomed') return this.refuse(parsed.code, parsed.message, CLOSE_CODES.protocolViolation);
      return this.error(parsed.code, parsed.message);
    }
    const message = parsed.value;
    if (this.phase === 'challenged' && message.type !== 'hello') {
      return this.refuse('unauthorized', 'the first message must be hello', CLOSE_CODES.authenticationFailed);
    }
    if (message.type === 'push') return this.queuePush(message.entries);
    this.enqueue(async () => {
      switch (message.type) {
        case 'hello':
          return this.hello(message);
        case 'updated':
          return;
        case 'ping':
          return this.send({ type: 'pong', t: message.t });
        case 'pong':
          return;
        case 'qr-sale':
          return this.send(await submitTillQrSale(this.host.context, this.terminal!, message));
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(() => this.guarded(task));
  }

  private async guarded(task: () => Promise<void>): Promise<void> {
    if (this.phase === 'closed') return;
    try {
      await task();
    } catch (error) {
      // Checks dropped because this connection closed: nobody is waiting for them.
      if (error instanceof CryptoJobDropped && this.isClosed) return;
      this.host.context.events.emit('internal-error', { where: `sync session of ${this.terminal?.id ?? this.address}`, error });
      this.fail('bad_message', 'the hub could not process this message; reconnect and resend', CLOSE_CODES.internalError);
    }
  }

  /**
   * A rate violation by a till, or before hello by an address: its back-off
   * starts (and grows with each violation), then the connection closes.
   */
  private violation(key: string, why: string): void {
    const backoff = this.host.limits.violate(key, this.now());
    this.fail('rate_limited', `${why}: retry in ${Math.ceil(backoff / 1000)} s`, CLOSE_CODES.protocolViolation);
  }

  /**
   * Closes on a frame no genuine till sends (binary, malformed, hello twice, or
   * not hello first). Before hello it counts against the address: its back-off starts.
   */
  private refuse(code: SyncErrorCode, message: string, closeCode: number): void {
    if (this.phase === 'challenged') this.host.limits.violate(this.addressKey, this.now(), SYNC_ADDRESS_VIOLATIONS_FREE);
    this.fail(code, message, closeCode);
  }

  // ── hello / welcome ────────────────────────────────────────────────────────

  private async hello(message: Extract<TillMessage, { type: 'hello' }>): Promise<void> {
    if (this.phase !== 'challenged') return this.refuse('bad_message', 'hello was already received', CLOSE_CODES.protocolViolation);
    const { context } = this.host;
    // Checked first, before the database read and the signature: a till that comes
    // straight back during its back-off costs the hub next to nothing. Naming a
    // till without its key only learns that the till is backed off.
    const blocked = this.host.limits.blockedFor(`till:${message.terminal}`, this.now());
    if (blocked > 0) return this.fail('rate_limited', `this till broke the rate limit: retry in ${Math.ceil(blocked / 1000)} s`, CLOSE_CODES.protocolViolation);
    const terminal = await repo.getTerminal(context.storage.read, message.terminal);
    const proof = hashBody(nodeCrypto, helloProof(message.terminal, this.nonce, context.key.publicKey));
    if (!terminal || !verifyHash(nodeCrypto, terminal.publicKey, proof, message.sig)) {
      return this.fail('unauthorized', 'unknown till or bad signature', CLOSE_CODES.authenticationFailed);
    }
    if (terminal.status === 'revoked') return this.fail('revoked', 'this till was revoked: pair it again', CLOSE_CODES.revokedOrFrozen);
    if (terminal.status === 'frozen') return this.fail('frozen', 'this till is frozen: an operator must look at it', CLOSE_CODES.revokedOrFrozen);
    this.terminal = terminal;
    this.acked = terminal.lastSeq;
    this.view = await placeView(context.storage.read, terminal.placeId, terminal.policyOverrides);
    this.host.claim(terminal.id, this);
    this.phase = 'welcomed';
    const now = iso(context.clock.now());
    context.presence.set({ terminal: terminal.id, place: terminal.placeId, connectedAt: now, lastMessageAt: now, lagEntries: 0 });
    context.events.emit('terminal', { terminal: terminal.id, change: 'connected' });
    this.send({ type: 'welcome', lastSeq: terminal.lastSeq, lastHash: terminal.lastHash, serverTime: now, policy: this.view.policy });
    const cursor = message.cursor === undefined ? NaN : Number(message.cursor);
    if (Number.isSafeInteger(cursor) && cursor >= 0 && cursor <= this.host.feed.position) {
      this.sentCursor = cursor;
      await this.sendDeltas();
    } else {
      await this.sendSnapshot();
    }
    this.unsubscribe = this.host.feed.subscribe(this);
    // Changes committed while the snapshot was read.
    if (this.sentCursor < this.host.feed.position) await this.sendDeltas();
    await this.sendCardSet();
    this.directoryChain = Promise.resolve();
  }

  /** The federation's card set, when it differs from what this connection last sent. */
  private async sendCardSet(): Promise<void> {
    const messages = await cardSetMessages(this.host.context.storage.read, this.terminal!.placeId);
    const key = cardSetKey(messages);
    if (key === this.sentCardSet) return;
    this.sentCardSet = key;
    for (const message of messages) this.send(message);
  }

  /** A full snapshot in parts: its cursor is read before the states, so later changes come as deltas. */
  private async sendSnapshot(): Promise<void> {
    const read = this.host.context.storage.read;
    const view = this.view!;
    const appliedThrough = this.acked;
    const cursor = await repo.latestCardChange(read);
    const ids = await snapshotCardIds(read, view);
    const parts = Math.max(1, Math.ceil(ids.length / UPDATE_CARDS_MAX));
    for (let part = 1; part <= parts; part++) {
      const facts = await cardFacts(read, ids.slice((part - 1) * UPDATE_CARDS_MAX, part * UPDATE_CARDS_MAX));
      const cards = facts.flatMap((fact) => forPlace(fact, view, false) ?? []);
      const update: Update = { type: 'update', cursor: String(cursor), full: true, part, parts, cards, appliedThrough };
      if (part === 1) Object.assign(update, { primaries: view.primaries, assets: view.assets, policy: view.policy, catalogue: view.catalogue });
      this.send(update);
    }
    this.sentCursor = cursor;
  }

  /** Changes after this till's cursor, read by the till's own session (it was behind the feed). */
  private async sendDeltas(): Promise<void> {
    const read = this.host.context.storage.read;
    for (let round = 0; round < 100 && this.phase === 'welcomed'; round++) {
      const appliedThrough = this.acked;
      const changes = await repo.listCardChangesAfter(read, this.sentCursor, UPDATE_CARDS_MAX);
      if (changes.cursor === this.sentCursor) return;
      this.sendFacts(await cardFacts(read, changes.cardIds), changes.cursor, appliedThrough);
    }
  }

  private sendFacts(facts: readonly CardFacts[], cursor: number, appliedThrough: number): void {
    const view = this.view!;
    const cards = deltaCards(facts, view);
    this.sentCursor = cursor;
    if (cards.count === 0) return;
    // A delta may name a new primary card of this place: send the whole list again.
    const primaries = facts.some((fact) => fact.primaryFor.includes(view.place) || view.primaries.includes(fact.uid));
    const update: Omit<Update, 'cards'> = { type: 'update', cursor: String(cursor), appliedThrough };
    if (primaries) {
      const next = new Set(view.primaries);
      for (const fact of facts) {
        if (fact.primaryFor.includes(view.place) && !fact.lost) next.add(fact.uid);
        else next.delete(fact.uid);
      }
      view.primaries = [...next];
      update.primaries = view.primaries;
    }
    // The cards are JSON already, shared by the place's tills: spliced in last.
    const text = JSON.stringify(update);
    this.sendText(`${text.slice(0, -1)},"cards":${cards.json}}`);
  }

  // ── feed ───────────────────────────────────────────────────────────────────

  get feedCursor(): number {
    return Math.max(this.sentCursor, this.deliveredCursor);
  }

  get ackedSeq(): number {
    return this.acked;
  }

  /**
   * Feed rounds reach a session whose queue is busy (its own pushes waiting for
   * their turn): they wait there, merged into one update of each card's latest
   * facts, instead of going out as a burst of updates of the same cards, one per
   * round. With 100 tills pushing at one place, those bursts were most of the
   * hub's card-update traffic (PERFORMANCE.md). A card's facts are its state,
   * not a change, and a later round's cursor covers an earlier one's, so the
   * merged update says what the last of them would have said after the others.
   */
  deliver(facts: readonly CardFacts[], cursor: number, appliedThrough: number): void {
    this.deliveredCursor = cursor;
    const waiting = this.waitingFacts;
    if (waiting && (waiting.merged?.size ?? waiting.facts.length) + facts.length <= UPDATE_CARDS_MAX) {
      waiting.merged ??= new Map(waiting.facts.map((fact) => [fact.id, fact]));
      for (const fact of facts) waiting.merged.set(fact.id, fact);
      waiting.cursor = cursor;
      waiting.appliedThrough = appliedThrough;
      return;
    }
    const delivery: WaitingFacts = { facts, merged: null, cursor, appliedThrough };
    this.waitingFacts = delivery;
    this.enqueue(async () => {
      if (this.waitingFacts === delivery) this.waitingFacts = null;
      if (this.sentCursor >= delivery.cursor) return;
      // One round alone keeps the facts the place's tills share, and their serialised delta (deltaCards).
      this.sendFacts(delivery.merged ? [...delivery.merged.values()] : delivery.facts, delivery.cursor, delivery.appliedThrough);
    });
  }

  catchUp(): void {
    this.enqueue(() => this.sendDeltas());
  }

  /**
   * The place's directory changed (catalogue, accepted assets, policy): send
   * them again in an update with no cards, at the till's current cursor.
   */
  directoryChanged(place: string | null): void {
    if (this.phase !== 'welcomed' || (place !== null && place !== this.terminal?.placeId)) return;
    // Until hello's snapshot is out, the change follows it (the snapshot carries the
    // directory as it read it). After, it owes nothing to the pushes queued in the
    // session: behind them, a till whose pushes waited for the ledger (hubs taking
    // turns at its lock) heard of a new product seconds late.
    if (this.directoryChain === null) return this.enqueue(() => this.sendDirectory());
    this.directoryChain = this.directoryChain.then(() => this.guarded(() => this.sendDirectory()));
  }

  private async sendDirectory(): Promise<void> {
    const terminal = this.terminal!;
    const sentBefore = this.sentCursor;
    const fresh = await repo.getTerminal(this.host.context.storage.read, terminal.id);
    const view = await placeView(this.host.context.storage.read, terminal.placeId, fresh?.policyOverrides ?? null);
    if (this.isClosed) return;
    // Deltas sent during the reads may have changed the primaries after what was read.
    if (this.sentCursor !== sentBefore) view.primaries = this.view!.primaries;
    this.view = view;
    this.send({ type: 'update', cursor: String(this.sentCursor), cards: [], primaries: view.primaries, assets: view.assets, policy: view.policy, catalogue: view.catalogue });
    await this.sendCardSet();
  }

  // ── push ───────────────────────────────────────────────────────────────────

  /**
   * A push starts its signature checks at once, then waits in the queue; the
   * pushes queued when their turn comes are applied together, in one
   * transaction (SYNC.md's push batch), and acked one by one in order.
   */
  private queuePush(entries: Extract<TillMessage, { type: 'push' }>['entries']): void {
    if (this.pushesWaiting >= PUSH_WINDOW_MAX) return this.violation(this.tillKey, `more than ${PUSH_WINDOW_MAX} pushes awaiting ack`);
    const terminal = this.terminal!;
    this.pushesWaiting++;
    this.pushQueue.push(this.host.ingest.check(terminal.publicKey, entries, this.verifyKey));
    if (this.pushQueue.length > 1) return;
    this.enqueue(async () => {
      const batch = this.pushQueue.splice(0);
      try {
        await this.pushBatch(terminal, batch);
      } finally {
        this.pushesWaiting -= batch.length;
      }
    });
  }

  private async pushBatch(terminal: repo.Terminal, batch: readonly PendingPush[]): Promise<void> {
    // A connection closed meanwhile (a flood, a drop) takes no more turns: nothing
    // of the rest was acked, and the till resends it from welcome.lastSeq.
    const outcome = await this.host.ingest.pushBatch(terminal.id, batch, () => this.isClosed);
    if (outcome.kind === 'refused') {
      if (outcome.status === 'revoked') return this.fail('revoked', 'this till was revoked', CLOSE_CODES.revokedOrFrozen);
      if (outcome.status === 'frozen') return this.fail('frozen', 'this till is frozen', CLOSE_CODES.revokedOrFrozen);
      return this.fail('unauthorized', 'unknown till', CLOSE_CODES.authenticationFailed);
    }
    for (const [index, ack] of outcome.acks.entries()) {
      this.acked = ack.lastSeq;
      const last = batch[index]!.entries[batch[index]!.entries.length - 1]!.body.seq;
      this.host.context.presence.update(terminal.id, { lagEntries: Math.max(0, last - ack.lastSeq) });
      this.send({ type: 'ack', lastSeq: ack.lastSeq, results: ack.results });
      if (ack.stop?.code === 'gap') this.error('gap', ack.stop.message, { expected: ack.stop.expected });
      if (ack.stop?.code === 'fork') {
        this.fail('fork', `${ack.stop.message}: this till is frozen until an operator unfreezes it`, CLOSE_CODES.fork);
        this.host.context.events.emit('terminal', { terminal: terminal.id, change: 'frozen' });
        return;
      }
    }
    if (outcome.frozen) {
      this.fail('frozen', 'this till sent too many entries the hub had to quarantine (bad hash or signature, or naming another till): it is frozen until an operator looks', CLOSE_CODES.revokedOrFrozen);
      this.host.context.events.emit('terminal', { terminal: terminal.id, change: 'frozen' });
    }
  }

  // ── sending and closing ────────────────────────────────────────────────────

  private send(message: HubMessage): void {
    this.sendText(JSON.stringify(message));
  }

  private sendText(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  private error(code: SyncErrorCode, message: string, extra: { expected?: number } = {}): void {
    this.send({ type: 'error', code, message, ...extra });
  }

  /** Sends the error, then closes with `closeCode`. */
  fail(code: SyncErrorCode, message: string, closeCode: number): void {
    if (this.phase === 'closed') return;
    this.error(code, message);
    this.socket.close(closeCode, code);
    this.closed();
  }

  private beat(): void {
    if (this.now() - this.lastHeard > SILENCE_MS_MAX) {
      this.socket.terminate();
      this.closed();
      return;
    }
    this.send({ type: 'ping', t: this.now() });
  }

  private closed(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.heartbeat.cancel();
    this.unsubscribe?.();
    if (this.terminal) {
      this.host.ingest.drop(this.verifyKey);
      this.host.release(this.terminal.id, this);
    }
  }

  /** Replaced by a newer connection of the same till. */
  replace(): void {
    this.unsubscribe?.();
    this.socket.close(CLOSE_CODES.replaced, 'replaced by a newer connection');
    this.phase = 'closed';
    this.heartbeat.cancel();
    if (this.terminal) this.host.ingest.drop(this.verifyKey);
  }

  get remoteAddress(): string {
    return this.address;
  }
}

/** Feed rounds waiting in a session's queue: each card's latest facts, the last round's cursor. */
interface WaitingFacts {
  /** The first round's facts, as the feed gave them (shared by the place's tills). */
  facts: readonly CardFacts[];
  /** Once a later round joined: each card's latest facts. */
  merged: Map<string, CardFacts> | null;
  cursor: number;
  appliedThrough: number;
}
