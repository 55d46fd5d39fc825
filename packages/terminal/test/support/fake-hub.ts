/**
 * TEST DOUBLE — a small hub that follows SYNC.md for one purpose: testing the
 * till's sync client and agent over a real WebSocket on 127.0.0.1. It is not the
 * hub (apps/hub): no database, no ledger rules (every well-formed, linked entry is
 * `applied`), state in memory. It keeps the spec's order of checks on each pushed
 * entry (integrity → duplicate → fork → gap → applied), its close codes and its
 * card updates (full snapshot in parts, then deltas since a cursor), and has knobs
 * to misbehave the ways a real network and hub do: lost pushes, lost acks, silence,
 * a stale welcome, a fork, going away and coming back on the same port.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { hashBody, publicKeyHex, verifyHash, verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import {
  CLOSE_CODES,
  DEFAULT_OFFLINE_POLICY,
  PairRequest,
  TillMessage,
  UPDATE_CARDS_MAX,
  genesisBody,
  helloProof,
  parseFrame,
  type AckResult,
  type AssetInfo,
  type CardState,
  type HubMessage,
  type OfflinePolicy,
  type Update,
  type WireEntry,
} from '@fedow/protocol';

export interface FakeTill {
  terminal: string;
  publicKey: string;
  place: string;
  genesis: string;
  /** The chain as the hub stores it; index = seq − 1. */
  chain: WireEntry[];
  /** How many times each entry id was applied: must never exceed 1. */
  applied: Map<string, number>;
  /** Every ack result sent, in order. */
  acks: AckResult[];
  updatedCursors: string[];
  /** Entries per push received, dropped ones included. */
  pushSizes: number[];
  connections: number;
  frozen: boolean;
}

interface Session {
  socket: WebSocket;
  nonce: string;
  till: FakeTill | undefined;
  welcomed: boolean;
  muted: boolean;
}

export interface FakeHubOptions {
  policy?: OfflinePolicy;
  assets?: AssetInfo[];
  primaries?: string[];
  cards?: CardState[];
  /** Cards per part of a full snapshot (the real limit is UPDATE_CARDS_MAX). */
  partSize?: number;
}

export class FakeHub {
  readonly secretKey = new Uint8Array(randomBytes(32));
  readonly publicKey = publicKeyHex(nodeCrypto, this.secretKey);
  readonly tills = new Map<string, FakeTill>();
  policy: OfflinePolicy;
  /** Knobs: set them from a test, they apply to what happens next. */
  knobs = {
    /** Pushes to swallow: neither stored nor acknowledged (lost on the way). */
    dropPushes: 0,
    /** Store pushed entries but never send the ack (lost on the way back). */
    holdAcks: false,
    /** The welcome reports a chain this many entries shorter (an ingest still committing). */
    staleWelcomeBy: 0,
    /** The next push is answered with `fork` and close 4409. */
    forkOnNextPush: false,
    /** Challenge with another hub's key. */
    impostor: false,
    /** Updates carry `appliedThrough` = the chain head (off by default: these card states hold no balances from entries). */
    appliedThrough: false,
  };
  /** Called synchronously when a till sends `updated` (tests read the till's file here). */
  onUpdated: ((till: FakeTill, cursor: string) => void) | undefined;

  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly codes = new Map<string, { place: string; placeName: string; state: 'valid' | 'used' | 'expired' }>();
  private pairingFailures = 0;
  private port = 0;
  private cards = new Map<string, CardState>();
  /** version → cards changed in it. */
  private changes: Array<{ version: number; cards: string[] }> = [];
  private version = 1;
  private assets: AssetInfo[];
  private primaries: string[];
  private readonly partSize: number;

  private constructor(options: FakeHubOptions) {
    this.policy = options.policy ?? DEFAULT_OFFLINE_POLICY;
    this.assets = options.assets ?? [];
    this.primaries = options.primaries ?? [];
    for (const card of options.cards ?? []) this.cards.set(card.card, card);
    this.partSize = Math.min(options.partSize ?? UPDATE_CARDS_MAX, UPDATE_CARDS_MAX);
    this.http = createServer((request, response) => void this.onHttp(request, response));
    this.wss = new WebSocketServer({ server: this.http, path: '/sync' });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(options: FakeHubOptions = {}): Promise<FakeHub> {
    const hub = new FakeHub(options);
    await hub.listen(0);
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A code the pairing endpoint will accept once (or refuse as used/expired). */
  addPairingCode(code: string, place: string = randomUUID(), placeName = 'Bar 1', state: 'valid' | 'used' | 'expired' = 'valid'): void {
    this.codes.set(code, { place, placeName, state });
  }

  /** Registers a till directly (what pairing does), for tests that skip HTTP. */
  registerTill(publicKey: string, place: string = randomUUID()): FakeTill {
    const terminal = randomUUID();
    const till: FakeTill = {
      terminal,
      publicKey,
      place,
      genesis: hashBody(nodeCrypto, genesisBody(terminal, publicKey, place, this.publicKey)),
      chain: [],
      applied: new Map(),
      acks: [],
      updatedCursors: [],
      pushSizes: [],
      connections: 0,
      frozen: false,
    };
    this.tills.set(terminal, till);
    return till;
  }

  /** Changes card states and pushes a delta to every welcomed till. */
  setCards(cards: CardState[]): void {
    this.version++;
    for (const card of cards) this.cards.set(card.card, card);
    this.changes.push({ version: this.version, cards: cards.map((card) => card.card) });
    for (const session of this.sessions) {
      if (session.welcomed && session.till && !session.muted) {
        this.send(session, { type: 'update', cursor: `v${this.version}`, cards, ...this.appliedThrough(session.till) });
      }
    }
  }

  /** Sends one message as is to every welcomed session of a till. */
  sendTo(terminal: string, message: HubMessage): void {
    for (const session of this.sessions) if (session.welcomed && session.till?.terminal === terminal) this.send(session, message);
  }

  /** Stops answering (no pong, no ack) on the connections open now. */
  muteConnections(): void {
    for (const session of this.sessions) session.muted = true;
  }

  /** Cuts every connection (a network blip); the port stays open. */
  dropConnections(): void {
    for (const session of this.sessions) session.socket.terminate();
  }

  openConnections(): number {
    return [...this.sessions].filter((session) => session.socket.readyState === WebSocket.OPEN).length;
  }

  /** The hub disappears: connections dropped, port closed; state is kept. */
  async goAway(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** The hub is back on the same port with the same state. */
  comeBack(): Promise<void> {
    return this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.http.listening) {
      await new Promise<void>((resolve) => {
        this.http.close(() => resolve());
        this.http.closeAllConnections();
      });
    }
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        this.port = (this.http.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ── pairing ────────────────────────────────────────────────────────────────

  private async onHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/api/v1/terminals/pair') return reply(404, { error: { code: 'not_found', message: 'not found' } });
    if (this.pairingFailures >= 10) return reply(429, { error: { code: 'rate_limited', message: 'too many attempts' } });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const parsed = PairRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    if (!parsed.success) return reply(400, { error: { code: 'bad_request', message: 'bad body' } });
    const code = this.codes.get(parsed.data.code);
    if (!code) {
      this.pairingFailures++;
      return reply(404, { error: { code: 'not_found', message: 'unknown pairing code' } });
    }
    if (code.state !== 'valid') return reply(410, { error: { code: 'gone', message: `pairing code ${code.state}` } });
    code.state = 'used';
    const till = this.registerTill(parsed.data.publicKey, code.place);
    reply(201, { terminal: till.terminal, place: till.place, placeName: code.placeName, hub: this.publicKey, genesis: till.genesis });
  }

  // ── /sync ──────────────────────────────────────────────────────────────────

  private onConnection(socket: WebSocket): void {
    const session: Session = { socket, nonce: randomBytes(32).toString('hex'), till: undefined, welcomed: false, muted: false };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('message', (data) => this.onMessage(session, data.toString()));
    const hub = this.knobs.impostor ? publicKeyHex(nodeCrypto, new Uint8Array(32).fill(3)) : this.publicKey;
    this.send(session, { type: 'challenge', nonce: session.nonce, hub, protocol: 1 });
  }

  private onMessage(session: Session, text: string): void {
    if (session.muted) return;
    const parsed = parseFrame(TillMessage, text);
    if (!parsed.ok) return this.send(session, { type: 'error', code: 'bad_message', message: parsed.message });
    const message = parsed.value;
    if (!session.welcomed) {
      if (message.type !== 'hello') return this.fail(session, 'bad_message', 'hello first', CLOSE_CODES.protocolViolation);
      return this.onHello(session, message);
    }
    const till = session.till!;
    switch (message.type) {
      case 'push':
        return this.onPush(session, till, message.entries);
      case 'updated':
        till.updatedCursors.push(message.cursor);
        this.onUpdated?.(till, message.cursor);
        return;
      case 'ping':
        return this.send(session, { type: 'pong', t: message.t });
      case 'pong':
        return;
      case 'hello':
        return this.fail(session, 'bad_message', 'hello twice', CLOSE_CODES.protocolViolation);
    }
  }

  private onHello(session: Session, hello: Extract<TillMessage, { type: 'hello' }>): void {
    const till = this.tills.get(hello.terminal);
    const proof = hashBody(nodeCrypto, helloProof(hello.terminal, session.nonce, this.publicKey));
    if (!till || !verifyHash(nodeCrypto, till.publicKey, proof, hello.sig)) {
      return this.fail(session, 'unauthorized', 'unknown terminal or bad signature', CLOSE_CODES.authenticationFailed);
    }
    if (till.frozen) return this.fail(session, 'frozen', 'this till is frozen', CLOSE_CODES.revokedOrFrozen);
    session.till = till;
    session.welcomed = true;
    till.connections++;
    const reported = Math.max(0, till.chain.length - this.knobs.staleWelcomeBy);
    this.send(session, {
      type: 'welcome',
      lastSeq: reported,
      lastHash: reported === 0 ? till.genesis : till.chain[reported - 1]!.hash,
      serverTime: new Date().toISOString(),
      policy: this.policy,
    });
    this.sendCards(session, till, hello.cursor);
  }

  private sendCards(session: Session, till: FakeTill, cursor: string | undefined): void {
    const known = cursor === undefined ? undefined : Number(cursor.slice(1));
    if (known !== undefined && Number.isInteger(known) && known <= this.version) {
      if (known === this.version) return;
      const uids = new Set(this.changes.filter((change) => change.version > known).flatMap((change) => change.cards));
      const cards = [...uids].map((uid) => this.cards.get(uid)!);
      return this.send(session, { type: 'update', cursor: `v${this.version}`, cards, ...this.appliedThrough(till) });
    }
    const all = [...this.cards.values()];
    const parts = Math.max(1, Math.ceil(all.length / this.partSize));
    for (let part = 1; part <= parts; part++) {
      const update: Update = {
        type: 'update',
        cursor: `v${this.version}`,
        full: true,
        part,
        parts,
        cards: all.slice((part - 1) * this.partSize, part * this.partSize),
        ...(part === 1 ? { assets: this.assets, primaries: this.primaries, policy: this.policy } : {}),
        ...this.appliedThrough(till),
      };
      this.send(session, update);
    }
  }

  private appliedThrough(till: FakeTill): { appliedThrough?: number } {
    return this.knobs.appliedThrough ? { appliedThrough: till.chain.length } : {};
  }

  private onPush(session: Session, till: FakeTill, entries: WireEntry[]): void {
    till.pushSizes.push(entries.length);
    if (this.knobs.dropPushes > 0) {
      this.knobs.dropPushes--;
      return;
    }
    if (this.knobs.forkOnNextPush) {
      this.knobs.forkOnNextPush = false;
      till.frozen = true;
      return this.fail(session, 'fork', 'this till forked', CLOSE_CODES.fork);
    }
    const results: AckResult[] = [];
    for (const entry of entries) {
      const outcome = this.ingest(till, entry);
      if (outcome === 'fork') {
        till.frozen = true;
        return this.fail(session, 'fork', `fork at seq ${entry.body.seq}`, CLOSE_CODES.fork);
      }
      if (outcome === 'gap') {
        if (results.length > 0) this.ack(session, till, results);
        return this.send(session, { type: 'error', code: 'gap', message: 'gap', expected: till.chain.length + 1 });
      }
      results.push(outcome);
    }
    this.ack(session, till, results);
  }

  private ingest(till: FakeTill, entry: WireEntry): AckResult | 'fork' | 'gap' {
    const { body } = entry;
    const verdict = verifySigned(nodeCrypto, till.publicKey, entry);
    if (verdict !== 'ok') return { seq: body.seq, id: body.id, status: 'rejected', reason: verdict };
    const stored = till.chain[body.seq - 1];
    if (stored && stored.body.id === body.id && stored.hash === entry.hash) return { seq: body.seq, id: body.id, status: 'duplicate' };
    const lastSeq = till.chain.length;
    const lastHash = lastSeq === 0 ? till.genesis : till.chain[lastSeq - 1]!.hash;
    if (body.seq <= lastSeq || (body.seq === lastSeq + 1 && body.prev !== lastHash)) return 'fork';
    if (body.seq > lastSeq + 1) return 'gap';
    till.chain.push(entry);
    till.applied.set(body.id, (till.applied.get(body.id) ?? 0) + 1);
    return { seq: body.seq, id: body.id, status: 'applied' };
  }

  private ack(session: Session, till: FakeTill, results: AckResult[]): void {
    if (this.knobs.holdAcks) return;
    till.acks.push(...results);
    this.send(session, { type: 'ack', lastSeq: till.chain.length, results });
  }

  private fail(session: Session, code: 'bad_message' | 'unauthorized' | 'frozen' | 'fork', message: string, closeCode: number): void {
    this.send(session, { type: 'error', code, message });
    session.socket.close(closeCode, code);
  }

  private send(session: Session, message: HubMessage): void {
    if (session.socket.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(message));
  }
}

/** Polls `predicate` every few ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
