/**
 * The vsmartcard vpcd wire protocol, card side (virtualsmartcard/doc/api.txt):
 * every frame is a 2-byte big-endian length followed by that many bytes.
 * One-byte payloads are reader commands, longer ones are C-APDUs.
 * Pure: no sockets here, so the framing and the answers are testable from values.
 */
import assert from 'node:assert/strict';

export const VPCD_PORT_DEFAULT = 35963;
/** The length prefix is 16 bits: nothing longer can be framed. */
export const VPCD_FRAME_BYTES_MAX = 0xffff;

export const VPCD_POWER_OFF = 0x00;
export const VPCD_POWER_ON = 0x01;
export const VPCD_RESET = 0x02;
export const VPCD_GET_ATR = 0x04;

/** MIFARE Classic 1K contactless ATR as a PC/SC reader reports it; byte 5 = 0x4F (PC/SC part 3 storage card). */
export const CONTACTLESS_ATR_HEX = '3B8F8001804F0CA000000306030001000000006A';

export const SW_OK = Buffer.from([0x90, 0x00]);
/** "Function not supported": any APDU we do not emulate. */
export const SW_NOT_SUPPORTED = Buffer.from([0x6a, 0x81]);
/** "Wrong parameters P1-P2": a read outside the page store. */
export const SW_WRONG_PARAMETERS = Buffer.from([0x6b, 0x00]);

export const PAGE_BYTES = 4;
export const UID_BYTE_LENGTHS = [4, 7, 10] as const;

export interface CardModel {
  readonly uid: Buffer;
  readonly atr: Buffer;
  /** Memory as 4-byte pages, like an NTAG/Ultralight read with `FF B0`. */
  readonly pages: Buffer;
}

export function encodeFrame(payload: Buffer): Buffer {
  assert(payload.length > 0 && payload.length <= VPCD_FRAME_BYTES_MAX, 'vpcd frame length out of range');
  const header = Buffer.alloc(2);
  header.writeUInt16BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** Accumulates TCP chunks and yields whole frames; TCP may split or merge them anyhow. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      frames.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

/** The card's answer to one frame from vpcd, or null when the protocol wants silence. */
export function answer(card: CardModel, payload: Buffer): Buffer | null {
  if (payload.length === 1) return payload[0] === VPCD_GET_ATR ? card.atr : null;
  return answerApdu(card, payload);
}

function answerApdu(card: CardModel, apdu: Buffer): Buffer {
  const [cla, ins, p1, p2] = apdu;
  // FF CA 00 00 [Le]: PC/SC part 3 "Get Data", P1=00 asks for the UID.
  if (cla === 0xff && ins === 0xca && p1 === 0x00 && p2 === 0x00 && apdu.length <= 5) {
    return Buffer.concat([card.uid, SW_OK]);
  }
  // FF B0 00 pp nn: PC/SC part 3 "Read Binary", P2 is the page, Le the byte count.
  if (cla === 0xff && ins === 0xb0 && p1 === 0x00 && p2 !== undefined && apdu.length === 5) {
    return readPages(card.pages, p2, apdu[4] ?? 0);
  }
  return SW_NOT_SUPPORTED;
}

function readPages(pages: Buffer, page: number, byteCount: number): Buffer {
  const start = page * PAGE_BYTES;
  // Le = 00 means "up to 256" in a short APDU; we return the rest of the store, capped at 256.
  const wanted = byteCount === 0 ? Math.min(256, pages.length - start) : byteCount;
  if (start >= pages.length || start + wanted > pages.length) return SW_WRONG_PARAMETERS;
  return Buffer.concat([pages.subarray(start, start + wanted), SW_OK]);
}

/** Checks a UID given by a person or a test: hex, 4, 7 or 10 bytes. Returns the bytes or why not. */
export function parseUid(uidHex: string): { ok: true; uid: Buffer } | { ok: false; reason: string } {
  const clean = uidHex.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length % 2 !== 0) {
    return { ok: false, reason: `UID "${uidHex}" is not an even number of hex digits` };
  }
  const uid = Buffer.from(clean, 'hex');
  if (!(UID_BYTE_LENGTHS as readonly number[]).includes(uid.length)) {
    return { ok: false, reason: `UID "${uidHex}" has ${uid.length} bytes; ISO 14443-3 UIDs have 4, 7 or 10` };
  }
  return { ok: true, uid };
}
