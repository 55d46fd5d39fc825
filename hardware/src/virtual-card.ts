/**
 * A virtual contactless card for vsmartcard's vpcd reader driver: while its TCP
 * connection to vpcd is open, pcscd sees a card on "Virtual PCD 00 00" (port 35963)
 * or "Virtual PCD 00 01" (port 35964); closing the connection removes the card.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  CONTACTLESS_ATR_HEX,
  FrameDecoder,
  PAGE_BYTES,
  VPCD_GET_ATR,
  VPCD_PORT_DEFAULT,
  VPCD_POWER_ON,
  VPCD_RESET,
  answer,
  encodeFrame,
  parseUid,
  type CardModel,
} from './vpcd-protocol';

/** NTAG213 user memory and header: 45 pages of 4 bytes. */
const PAGES_DEFAULT = 45;
const CONNECT_MS_MAX = 5_000;

export interface InsertCardOptions {
  /** Hex, 4, 7 or 10 bytes; case, spaces and colons are ignored. */
  uid: string;
  host?: string;
  port?: number;
  /** Initial memory, a multiple of 4 bytes; zeros when absent. */
  pages?: Uint8Array;
  /** Defaults to the MIFARE 1K ATR, which PC/SC stacks treat as an ISO 14443-3 card. */
  atrHex?: string;
}

export interface VirtualCard {
  readonly uid: string;
  readonly port: number;
  /**
   * Resolves once pcscd has powered the card and read its ATR (vpcd sends 01 or 02, then 04).
   * Before that vpcd only polls for presence with bare 04s and PC/SC clients see no card.
   */
  readonly powered: Promise<void>;
  /** Resolves when the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;
  /** The in-memory page store, for tests that look at or change the card's content. */
  readonly pages: Buffer;
  /** Takes the card off the reader. Idempotent. */
  remove(): Promise<void>;
}

export async function insertCard(options: InsertCardOptions): Promise<VirtualCard> {
  const parsed = parseUid(options.uid);
  assert(parsed.ok, parsed.ok ? '' : parsed.reason);
  const pages = options.pages ? Buffer.from(options.pages) : Buffer.alloc(PAGES_DEFAULT * PAGE_BYTES);
  assert(pages.length > 0 && pages.length % PAGE_BYTES === 0, 'pages must be a non-empty multiple of 4 bytes');
  const card: CardModel = { uid: parsed.uid, atr: Buffer.from(options.atrHex ?? CONTACTLESS_ATR_HEX, 'hex'), pages };
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? VPCD_PORT_DEFAULT;
  const socket = await connect(host, port);
  return serve(socket, card, port);
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${CONNECT_MS_MAX} ms`)), CONNECT_MS_MAX);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`vpcd not reachable at ${host}:${port} (is pcscd running with vsmartcard-vpcd?): ${error.message}`));
    });
  });
}

function serve(socket: net.Socket, card: CardModel, port: number): VirtualCard {
  socket.setNoDelay(true);
  const decoder = new FrameDecoder();
  let markPowered: () => void = () => {};
  const powered = new Promise<void>((resolve) => (markPowered = resolve));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // A reset by vpcd (pcscd stopping) is just the end of this card; 'close' follows.
  socket.on('error', () => {});
  let powerRequested = false;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      const reply = answer(card, frame);
      if (frame.length === 1 && (frame[0] === VPCD_POWER_ON || frame[0] === VPCD_RESET)) powerRequested = true;
      if (frame.length === 1 && frame[0] === VPCD_GET_ATR && powerRequested) markPowered();
      if (reply !== null && !socket.destroyed) socket.write(encodeFrame(reply));
    }
  });
  return {
    uid: card.uid.toString('hex').toUpperCase(),
    port,
    powered,
    closed,
    pages: card.pages,
    async remove() {
      if (!socket.destroyed) socket.end();
      await closed;
    },
  };
}
