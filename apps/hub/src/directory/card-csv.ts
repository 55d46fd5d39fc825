/**
 * The TiBillet factory CSV of a card batch: `qr_url,number,tag_id`, one card a line.
 * Parsed strictly and purely: the first broken line stops everything, with its number,
 * so that nothing of a half-understood file is imported.
 */
import { CARD_CSV_BYTES_MAX } from '@fedow/protocol';

export interface CsvCard {
  /** 1-based line of the file, for messages. */
  line: number;
  /** The UUID at the end of the QR code URL, lower-cased. */
  qrcode: string;
  numberPrinted: string;
  /** First 4 UID bytes, 8 uppercase hex. */
  firstTagId: string;
  /** The full UID when the file has 7 or 10 bytes; null for 4-byte tags. */
  uid: string | null;
}

export type CsvResult = { ok: true; cards: CsvCard[]; header: boolean } | { ok: false; line: number; message: string };

const QR_UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;
const TAG = /^(?:[0-9a-f]{8}|[0-9a-f]{14}|[0-9a-f]{20})$/i;
const NUMBER = /^[0-9A-Za-z_-]{1,32}$/;
/** A column name: letters, spaces and underscores (`qr_url`, `number`, `tag_id`, `Numéro`). */
const HEADER_FIELD = /^[\p{L}_ ]{1,40}$/u;
/** Cards one file may hold: far above a printed batch, and it bounds the work. */
export const CSV_CARDS_MAX = 1_000_000;

export function parseCardCsv(text: string): CsvResult {
  if (Buffer.byteLength(text, 'utf8') > CARD_CSV_BYTES_MAX) return { ok: false, line: 0, message: `the file is larger than ${CARD_CSV_BYTES_MAX} bytes` };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const cards: CsvCard[] = [];
  const seen = new Map<string, number>();
  let header = false;
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    const line = index + 1;
    if (raw.trim() === '') continue;
    const fields = splitFields(raw);
    // A header is a first line of three column names: a broken first card (a QR code
    // URL missing a character) is an error on line 1, never taken for a header.
    if (cards.length === 0 && !header && fields.length === 3 && fields.every((field) => HEADER_FIELD.test(field))) {
      header = true;
      continue;
    }
    const card = parseLine(fields, line);
    if (typeof card === 'string') return { ok: false, line, message: `line ${line}: ${card}` };
    for (const [label, key] of [['tag', card.firstTagId], ['printed number', card.numberPrinted], ['QR code', card.qrcode]] as const) {
      const other = seen.get(`${label}:${key}`);
      if (other !== undefined) return { ok: false, line, message: `line ${line}: same ${label} ${key} as line ${other}` };
      seen.set(`${label}:${key}`, line);
    }
    cards.push(card);
    if (cards.length > CSV_CARDS_MAX) return { ok: false, line, message: `more than ${CSV_CARDS_MAX} cards in one file` };
  }
  if (cards.length === 0) return { ok: false, line: 0, message: 'the file holds no card' };
  return { ok: true, cards, header };
}

function splitFields(raw: string): string[] {
  // Factory files quote nothing, but a spreadsheet may wrap each field in quotes.
  return raw.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1').trim());
}

function parseLine(fields: string[], line: number): CsvCard | string {
  if (fields.length !== 3) return `expected 3 columns (qr_url,number,tag_id), found ${fields.length}`;
  const [url = '', number = '', tag = ''] = fields;
  const qr = QR_UUID.exec(url);
  if (!qr?.[1]) return `the QR code URL "${clip(url)}" does not end with a UUID`;
  if (!NUMBER.test(number)) return `the printed number "${clip(number)}" is not 1 to 32 letters or digits`;
  if (!TAG.test(tag)) return `the tag id "${clip(tag)}" is not 8, 14 or 20 hex characters`;
  const upper = tag.toUpperCase();
  return {
    line,
    qrcode: qr[1].toLowerCase(),
    numberPrinted: number,
    firstTagId: upper.slice(0, 8),
    uid: upper.length > 8 ? upper : null,
  };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
