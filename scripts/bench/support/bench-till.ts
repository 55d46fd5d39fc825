import WebSocket from 'ws';
import { helloProof, PUSH_WINDOW_MAX, SYNC_MESSAGES_PER_SECOND_MAX, type HubMessage } from '@fedow/protocol';
import { fromHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { TillIdentity } from '../../../support/bench-world';

/** RFC 6455's normal closure, and 1005, what `ws` reports when a close frame carried no code: neither is a failure of the bench. */
const NORMAL_CLOSURE = 1000;
const QUIET_CLOSES = new Set([NORMAL_CLOSURE, 1005]);

/**
 * A push with no ack for this long means the hub is stuck or dropped it. Long:
 * with 10 tills × a window of 4 pushes of 500, a push may wait for 20,000
 * others' checks, which took over 30 s on the shared 2-core machine at a load of 20.
 */
const STALL_MS = 120_000;

type Ack = Extract<HubMessage, { type: 'ack' }>;

/**
 * A lean till for measurements, written against SYNC.md: it sends pre-built
 * frames, parses only what it must (challenge, welcome, snapshot parts, acks)
 * and looks at nothing else, so its own CPU use stays small on a shared
 * machine. It keeps under the hub's message rate limit like a polite till.
 */
export class BenchTill {
  private socket: WebSocket | null = null;
  private onAck: ((ack: Ack, at: number) => void) | null = null;
  private onText: ((message: HubMessage) => void) | null = null;
  private sending: Promise<void> = Promise.resolve();
  private tokens = SYNC_MESSAGES_PER_SECOND_MAX - 2;
  private tokensAt = performance.now();
  /** Milliseconds this till waited for the rate limit. */
  throttledMs = 0;
  statuses = { applied: 0, rejected: 0, duplicate: 0 };
  errors: string[] = [];

  constructor(
    readonly till: TillIdentity,
    readonly url: string,
  ) {}

  /** Opens, answers the challenge, and resolves once welcome and the last snapshot part arrived. */
  async connect(): Promise<{ welcome: Extract<HubMessage, { type: 'welcome' }>; helloAt: number; snapshotAt: number; cards: number }> {
    const socket = new WebSocket(this.url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('close', (code) => {
      if (!QUIET_CLOSES.has(code)) this.errors.push(`closed ${code}`);
    });
    return new Promise((resolve, reject) => {
      let welcome: Extract<HubMessage, { type: 'welcome' }> | null = null;
      let helloAt = 0;
      let cards = 0;
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed ${code} before the snapshot`)));
      this.onText = (message) => {
        if (message.type === 'challenge') {
          const { sig } = signBody(nodeCrypto, fromHex(this.till.secretKeyHex), helloProof(this.till.id, message.nonce, message.hub));
          helloAt = performance.now();
          this.send(JSON.stringify({ type: 'hello', terminal: this.till.id, protocol: 1, agent: 'bench-till/1', sig }));
        } else if (message.type === 'welcome') {
          welcome = message;
        } else if (message.type === 'update' && message.full) {
          cards += message.cards.length;
          if (message.part === message.parts) {
            this.onText = null;
            socket.removeAllListeners('error');
            socket.removeAllListeners('close');
            socket.on('close', (code) => {
              if (!QUIET_CLOSES.has(code)) this.errors.push(`closed ${code}`);
            });
            resolve({ welcome: welcome!, helloAt, snapshotAt: performance.now(), cards });
          }
        } else if (message.type === 'error') {
          reject(new Error(`${message.code}: ${message.message}`));
        }
      };
    });
  }

  private receive(data: Buffer): void {
    // Card updates are most of the traffic: look at the type without parsing them.
    const head = data.subarray(0, 16).toString();
    if (head.startsWith('{"type":"ack"')) {
      const at = performance.now();
      const ack = JSON.parse(data.toString()) as Ack;
      for (const result of ack.results) this.statuses[result.status]++;
      this.onAck?.(ack, at);
      return;
    }
    if (head.startsWith('{"type":"ping"')) {
      const ping = JSON.parse(data.toString()) as { t: number };
      this.send(JSON.stringify({ type: 'pong', t: ping.t }));
      return;
    }
    if (head.startsWith('{"type":"error"')) this.errors.push(data.toString());
    if (this.onText) this.onText(JSON.parse(data.toString()) as HubMessage);
  }

  /** Sends a frame, waiting first if the hub's token bucket (SYNC_MESSAGES_PER_SECOND_MAX) would be empty. */
  private async sendPaced(frame: string): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(SYNC_MESSAGES_PER_SECOND_MAX - 2, this.tokens + ((now - this.tokensAt) / 1_000) * (SYNC_MESSAGES_PER_SECOND_MAX - 2));
      this.tokensAt = now;
      if (this.tokens >= 1) break;
      const wait = ((1 - this.tokens) / (SYNC_MESSAGES_PER_SECOND_MAX - 2)) * 1_000;
      this.throttledMs += wait;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.tokens -= 1;
    this.send(frame);
  }

  private send(frame: string): void {
    this.socket!.send(frame);
  }

  /**
   * Pushes every frame, at most PUSH_WINDOW_MAX awaiting ack; resolves with the
   * time the last ack arrived. Each ack must name the last seq of its push.
   */
  pushAll(frames: readonly string[], lastSeqs: readonly number[]): Promise<number> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      let acked = 0;
      let stall: NodeJS.Timeout;
      const watch = (): void => {
        clearTimeout(stall);
        stall = setTimeout(() => reject(new Error(`no ack for ${STALL_MS / 1000} s after ${acked} of ${frames.length} pushes: ${this.errors.join('; ') || 'no error from the hub'}`)), STALL_MS);
      };
      watch();
      const next = (): void => {
        while (sent < frames.length && sent - acked < PUSH_WINDOW_MAX) {
          const frame = frames[sent++]!;
          // One after another, so a wait for the rate limit never reorders pushes.
          this.sending = this.sending.then(() => this.sendPaced(frame)).catch(reject);
        }
      };
      this.onAck = (ack, at) => {
        if (ack.lastSeq !== lastSeqs[acked]) return reject(new Error(`ack lastSeq ${ack.lastSeq}, expected ${lastSeqs[acked]}: ${this.errors.join('; ')}`));
        acked++;
        watch();
        if (acked === frames.length) {
          clearTimeout(stall);
          this.onAck = null;
          return resolve(at);
        }
        next();
      };
      next();
    });
  }

  /** Sends one frame and resolves with the milliseconds until its ack. */
  pushOne(frame: string): Promise<number> {
    return new Promise((resolve) => {
      const sentAt = performance.now();
      this.onAck = (_ack, at) => {
        this.onAck = null;
        resolve(at - sentAt);
      };
      this.send(frame);
    });
  }

  /**
   * Sends `frames` every `intervalMs` from `startAt` (performance.now() time)
   * without waiting for acks, but never more than PUSH_WINDOW_MAX awaiting one
   * (a push the window holds back goes out with the next ack) and never beyond
   * the hub's message rate. Resolves with each
   * push's latency from its scheduled time to its ack, so waiting counts.
   */
  paced(frames: readonly string[], startAt: number, intervalMs: number): Promise<{ sentAt: number; ms: number }[]> {
    return new Promise((resolve, reject) => {
      const scheduled: number[] = [];
      let sent = 0;
      let acked = 0;
      const latencies: { sentAt: number; ms: number }[] = [];
      const stall = setTimeout(() => reject(new Error(`paced pushes: ${acked} of ${frames.length} acked after ${STALL_MS / 1000} s: ${this.errors.join('; ')}`)), STALL_MS + frames.length * intervalMs);
      const flush = (): void => {
        while (sent < scheduled.length && sent - acked < PUSH_WINDOW_MAX) {
          const frame = frames[sent++]!;
          // A backlog (acks late, or this process stalled) drains within the hub's message rate.
          this.sending = this.sending.then(() => this.sendPaced(frame)).catch(reject);
        }
      };
      this.onAck = (_ack, at) => {
        const sentAt = scheduled[acked++]!;
        latencies.push({ sentAt, ms: at - sentAt });
        if (acked === frames.length) {
          clearTimeout(stall);
          this.onAck = null;
          return resolve(latencies);
        }
        flush();
      };
      const tick = (): void => {
        scheduled.push(startAt + scheduled.length * intervalMs);
        flush();
        // Absolute schedule: a late timer does not push the following sends later.
        if (scheduled.length < frames.length) setTimeout(tick, Math.max(0, startAt + scheduled.length * intervalMs - performance.now()));
      };
      setTimeout(tick, Math.max(0, startAt - performance.now()));
    });
  }

  close(): void {
    this.socket?.close(NORMAL_CLOSURE);
  }

  terminate(): void {
    this.socket?.terminate();
  }
}

