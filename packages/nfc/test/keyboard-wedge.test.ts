import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KeyboardWedgeReader, WEDGE_LINE_CHARS_MAX, WedgeLineBuffer, parseWedgeLine, type WedgeFormat } from '../src';
import { EventLog } from './support';

const hex: WedgeFormat = { encoding: 'hex', byteOrder: 'as-read' };
const hexReversed: WedgeFormat = { encoding: 'hex', byteOrder: 'reversed' };
const decimal: WedgeFormat = { encoding: 'decimal', byteOrder: 'as-read' };
const decimalReversed: WedgeFormat = { encoding: 'decimal', byteOrder: 'reversed' };

describe('parseWedgeLine', () => {
  it('reads hex UIDs of 4, 7 and 10 bytes into uppercase', () => {
    expect(parseWedgeLine('04a1b2c3', hex)).toEqual({ ok: true, uid: '04A1B2C3' });
    expect(parseWedgeLine(' 04:e1:f2:a3:b4:c5:d6 ', hex)).toEqual({ ok: true, uid: '04E1F2A3B4C5D6' });
    expect(parseWedgeLine('0A1B2C3D4E5F6A7B8C9D', hex)).toEqual({ ok: true, uid: '0A1B2C3D4E5F6A7B8C9D' });
  });

  it('reverses the byte order when the reader sends it least significant byte first', () => {
    expect(parseWedgeLine('C3B2A104', hexReversed)).toEqual({ ok: true, uid: '04A1B2C3' });
  });

  it('reads decimal UIDs, keeping leading zero bytes', () => {
    // 0x04A1B2C3 = 77705923; 0x00000001 must stay 4 bytes long.
    expect(parseWedgeLine('77705923', decimal)).toEqual({ ok: true, uid: '04A1B2C3' });
    expect(parseWedgeLine('0000000001', decimal)).toEqual({ ok: true, uid: '00000001' });
    expect(parseWedgeLine(BigInt('0x04E1F2A3B4C5D6').toString(), decimal)).toEqual({ ok: true, uid: '04E1F2A3B4C5D6' });
    expect(parseWedgeLine('1', { ...decimal, decimalBytes: 7 })).toEqual({ ok: true, uid: '00000000000001' });
  });

  it('reads decimal little-endian output (the common "10-digit" wedge setting)', () => {
    // The reader reads 04 A1 B2 C3 and types the number 0xC3B2A104 = 3283263748.
    expect(parseWedgeLine('3283263748', decimalReversed)).toEqual({ ok: true, uid: '04A1B2C3' });
  });

  it('rejects lengths other than 4, 7 or 10 bytes', () => {
    for (const line of ['04A1B2', '04A1B2C3D4', '04A1B2C3D4E5F6A7', '00112233445566778899AA']) {
      expect(parseWedgeLine(line, hex), line).toMatchObject({ ok: false, code: 'uid_length' });
    }
    expect(parseWedgeLine((2n ** 80n).toString(), decimal)).toMatchObject({ ok: false, code: 'uid_length' });
    expect(parseWedgeLine('4294967296', { ...decimal, decimalBytes: 4 })).toMatchObject({ ok: false, code: 'uid_length' });
  });

  it('rejects text that is not a UID', () => {
    for (const line of ['04A1B2C', 'hello!', '04A1B2CG']) expect(parseWedgeLine(line, hex), line).toMatchObject({ ok: false, code: 'uid_format' });
    for (const line of ['12ab', '-5', '1.5']) expect(parseWedgeLine(line, decimal), line).toMatchObject({ ok: false, code: 'uid_format' });
  });
});

describe('WedgeLineBuffer', () => {
  it('collects characters until Enter and ignores named keys', () => {
    const buffer = new WedgeLineBuffer();
    const outcomes = ['Shift', '0', '4', 'a', '1', 'Enter'].map((key) => buffer.key(key));
    expect(outcomes.at(-1)).toEqual({ kind: 'line', line: '04a1' });
    expect(outcomes.slice(0, -1).every((outcome) => outcome.kind === 'pending')).toBe(true);
    expect(buffer.key('\r')).toEqual({ kind: 'pending' }); // an empty line is no line
  });

  it('gives up on endless input without Enter', () => {
    const buffer = new WedgeLineBuffer();
    const outcomes = Array.from({ length: WEDGE_LINE_CHARS_MAX + 1 }, () => buffer.key('1'));
    expect(outcomes.at(-1)?.kind).toBe('overflow');
    for (const key of [...'DEADBEEF']) buffer.key(key);
    expect(buffer.key('Enter')).toEqual({ kind: 'line', line: 'DEADBEEF' });
  });
});

describe('KeyboardWedgeReader', () => {
  it('turns keystrokes into a card event then a removal, and bad lengths into an error', () => {
    const reader = new KeyboardWedgeReader({ format: hex, name: 'wedge' });
    const log = new EventLog(reader);
    reader.start();
    for (const key of [...'04a1b2c3', 'Enter', ...'04a1b2', 'Enter']) reader.key(key);
    expect(log.entries).toEqual([
      { event: 'reader-attached', payload: { reader: 'wedge' } },
      { event: 'card', payload: { uid: '04A1B2C3', type: 'unknown', reader: 'wedge' } },
      { event: 'card-removed', payload: { reader: 'wedge', uid: '04A1B2C3' } },
      { event: 'error', payload: { code: 'uid_length', message: expect.stringContaining('3 bytes'), reader: 'wedge' } },
    ]);
  });

  it('reads lines from a stream', async () => {
    const input = new PassThrough();
    const reader = new KeyboardWedgeReader({ format: decimalReversed, input });
    const log = new EventLog(reader);
    reader.start();
    input.write('3283263748\r\n\n');
    const card = await log.waitFor('card', () => true, { ms: 2_000 });
    expect(card).toEqual({ uid: '04A1B2C3', type: 'unknown', reader: 'keyboard-wedge' });
    expect(await reader.feedback()).toMatchObject({ done: false, reason: 'unsupported' });
    await reader.close();
  });

  it('emits nothing before start', () => {
    const reader = new KeyboardWedgeReader();
    const log = new EventLog(reader);
    reader.line('04A1B2C3');
    expect(log.entries).toEqual([]);
    expect(reader.readers()).toEqual([]);
  });
});
