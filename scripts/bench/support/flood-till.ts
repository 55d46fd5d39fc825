import WebSocket from 'ws';
import { helloProof, PUSH_WINDOW_MAX, SYNC_MESSAGES_PER_SECOND_MAX } from '@fedow/protocol';
import { fromHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { pushFrame } from './chains';
import type { TillIdentity } from '../../../support/bench-world';

/**
 * A paired till that floods, as a hostile one would: on every welcome it sends
 * more pushes of 500 than the window allows and a burst of pings beyond the
 * message rate, from `welcome.lastSeq`, then reconnects the moment the hub
 * closes — whether for the flood or to refuse it during its back-off.
 */
export class FloodTill {
  /** Connections welcomed (each then floods), and connections refused during the back-off. */
  rounds = 0;
  refused = 0;
  private running = false;
  private socket: WebSocket | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    readonly till: TillIdentity,
    readonly url: string,
    private readonly chain: readonly string[],
    private readonly pushEntries: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) await this.once();
    })();
  }

  async stop(): Promise<{ rounds: number; refused: number }> {
    this.running = false;
    this.socket?.terminate();
    await this.loop;
    return { rounds: this.rounds, refused: this.refused };
  }

  private once(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.url, { perMessageDeflate: false });
      this.socket = socket;
      let welcomed = false;
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string; nonce?: string; hub?: string; lastSeq?: number; code?: string };
        if (message.type === 'challenge') {
          const { sig } = signBody(nodeCrypto, fromHex(this.till.secretKeyHex), helloProof(this.till.id, message.nonce!, message.hub!));
          socket.send(JSON.stringify({ type: 'hello', terminal: this.till.id, protocol: 1, agent: 'flood-till/1', sig }));
        } else if (message.type === 'welcome') {
          this.rounds++;
          welcomed = true;
          this.flood(socket, message.lastSeq!);
        } else if (message.type === 'error' && message.code === 'rate_limited' && !welcomed) {
          // Refused at hello: its back-off is running.
          this.refused++;
        }
      });
    });
  }

  private flood(socket: WebSocket, lastSeq: number): void {
    for (let push = 0; push < PUSH_WINDOW_MAX + 2; push++) {
      const from = Math.min(lastSeq + push * this.pushEntries, this.chain.length - this.pushEntries);
      socket.send(pushFrame(this.chain.slice(from, from + this.pushEntries)));
    }
    for (let ping = 0; ping <= SYNC_MESSAGES_PER_SECOND_MAX; ping++) socket.send(`{"type":"ping","t":${ping}}`);
  }
}
