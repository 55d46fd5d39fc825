import WebSocket from 'ws';
import { helloProof, type EntryBody, type EntryKind, type HubMessage, type WireEntry } from '@fedow/protocol';
import { signBody, uuidV7 } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { randomBytes } from 'node:crypto';
import type { SeededTill } from './seed';

/**
 * A till written against SYNC.md alone, for the hub's tests and the scale benchmark: it signs entries,
 * speaks the protocol by hand and records every message the hub sends. It
 * has none of the terminal package's logic, so it can also misbehave on purpose.
 */
export class SpecTill {
  readonly messages: HubMessage[] = [];
  closeCode: number | null = null;
  private socket: WebSocket | null = null;
  private waiters: { predicate: (message: HubMessage) => boolean; resolve: (message: HubMessage) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];
  seq = 0;
  prev: string;

  constructor(
    readonly till: SeededTill,
    readonly url: string,
    /** A loopback address of its own (127.x.y.z), so that one address's penalties do not hold back the others. */
    readonly localAddress?: string,
  ) {
    this.prev = till.genesis;
  }

  /** Connects, answers the challenge, and waits for welcome. */
  async connect(options: { cursor?: string; sign?: boolean } = {}): Promise<Extract<HubMessage, { type: 'welcome' }>> {
    await this.open();
    const challenge = (await this.next((message) => message.type === 'challenge')) as Extract<HubMessage, { type: 'challenge' }>;
    const { sig } = signBody(nodeCrypto, options.sign === false ? new Uint8Array(32).fill(9) : this.till.secretKey, helloProof(this.till.id, challenge.nonce, challenge.hub));
    this.send({ type: 'hello', terminal: this.till.id, protocol: 1, agent: 'spec-till/1', sig, ...(options.cursor ? { cursor: options.cursor } : {}) });
    return (await this.next((message) => message.type === 'welcome' || message.type === 'error')) as Extract<HubMessage, { type: 'welcome' }>;
  }

  async open(): Promise<void> {
    this.messages.length = 0;
    this.closeCode = null;
    const socket = new WebSocket(this.url, this.localAddress ? { localAddress: this.localAddress } : {});
    this.socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as HubMessage;
      this.messages.push(message);
      if (message.type === 'ping') this.send({ type: 'pong', t: message.t });
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const resolve of this.closeWaiters) resolve(code);
      this.closeWaiters = [];
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  }

  /** The client socket, to misbehave below the protocol (broken frames). */
  get rawSocket(): WebSocket {
    return this.socket!;
  }

  send(message: unknown): void {
    this.socket!.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message matching `predicate` (already received ones count). */
  next(predicate: (message: HubMessage) => boolean, timeoutMs = 10_000): Promise<HubMessage> {
    const seen = this.messages.find(predicate);
    if (seen) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((message) => (message.type === "error" ? message : message.type)))}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(message), 1);
          resolve(message);
        },
      });
    });
  }

  closed(timeoutMs = 10_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the hub did not close the connection')), timeoutMs);
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Builds the next entry of this till's chain (and advances it). */
  entry(kind: EntryKind, fields: Partial<EntryBody> & { card: string; primary: string }): WireEntry {
    const body: EntryBody = {
      v: 1,
      id: uuidV7(Date.now(), randomBytes(10)),
      terminal: this.till.id,
      seq: ++this.seq,
      prev: this.prev,
      at: new Date().toISOString(),
      kind,
      asset: null,
      amount: 0,
      auth: 'online',
      ...fields,
    };
    const signed = { body, ...signBody(nodeCrypto, this.till.secretKey, body) };
    this.prev = signed.hash;
    return signed;
  }

  async push(entries: WireEntry[]): Promise<Extract<HubMessage, { type: 'ack' }>> {
    this.send({ type: 'push', entries });
    return (await this.next((message) => message.type === 'ack')) as Extract<HubMessage, { type: 'ack' }>;
  }

  close(): void {
    this.socket?.close();
  }
}
