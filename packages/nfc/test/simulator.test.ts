import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { READER_KINDS, SimulatorReader, createReader, isReaderKind } from '../src';
import { EventLog } from './support';

describe('SimulatorReader', () => {
  it('taps and removes cards from code, taking off the previous card on a new tap', () => {
    const reader = new SimulatorReader({ name: 'sim' });
    const log = new EventLog(reader);
    reader.start();
    expect(reader.tap('04a1b2c3')).toEqual({ ok: true, uid: '04A1B2C3' });
    reader.tap('04E1F2A3B4C5D6', 'iso14443-4');
    reader.remove();
    reader.remove(); // nothing left: no event
    expect(log.entries).toEqual([
      { event: 'reader-attached', payload: { reader: 'sim' } },
      { event: 'card', payload: { uid: '04A1B2C3', type: 'iso14443-3', reader: 'sim' } },
      { event: 'card-removed', payload: { reader: 'sim', uid: '04A1B2C3' } },
      { event: 'card', payload: { uid: '04E1F2A3B4C5D6', type: 'iso14443-4', reader: 'sim' } },
      { event: 'card-removed', payload: { reader: 'sim', uid: '04E1F2A3B4C5D6' } },
    ]);
    expect(reader.cardPresent).toBeNull();
  });

  it('refuses a bad UID with an error event and keeps the current card', () => {
    const reader = new SimulatorReader();
    const log = new EventLog(reader);
    reader.start();
    reader.tap('04A1B2C3');
    expect(reader.tap('04A1B2')).toMatchObject({ ok: false, code: 'uid_length' });
    expect(log.of('error')).toEqual([{ code: 'uid_length', message: expect.any(String), reader: 'simulator' }]);
    expect(reader.cardPresent).toBe('04A1B2C3');
  });

  it('reads taps and removals from a console stream', async () => {
    const input = new PassThrough();
    const reader = new SimulatorReader({ input });
    const log = new EventLog(reader);
    reader.start();
    input.write('deadbeef\n-\n0a1b2c3d4e5f6a7b8c9d\nremove\n');
    await log.waitFor('card-removed', (event) => event.uid === '0A1B2C3D4E5F6A7B8C9D', { ms: 2_000 });
    expect(log.of('card').map((card) => card.uid)).toEqual(['DEADBEEF', '0A1B2C3D4E5F6A7B8C9D']);
    await reader.close();
  });

  it('records the feedback the till asked for', async () => {
    const reader = new SimulatorReader();
    expect(await reader.feedback('ok')).toEqual({ done: true });
    await reader.feedback('error');
    expect(reader.feedbackGiven).toEqual(['ok', 'error']);
  });
});

describe('createReader', () => {
  it('picks the implementation from the configuration', async () => {
    const simulator = await createReader({ kind: 'simulator' });
    const wedge = await createReader({ kind: 'keyboard-wedge', format: { encoding: 'decimal', byteOrder: 'reversed' } });
    expect(simulator.ok && simulator.reader.kind).toBe('simulator');
    expect(wedge.ok && wedge.reader.kind).toBe('keyboard-wedge');
  });

  it('knows the reader kinds', () => {
    expect([...READER_KINDS].sort()).toEqual(['keyboard-wedge', 'pcsc', 'simulator']);
    expect(isReaderKind('pcsc')).toBe(true);
    expect(isReaderKind('toString')).toBe(false);
  });
});
