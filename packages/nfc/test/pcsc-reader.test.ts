/**
 * The PC/SC reader through the real stack: the system pcscd (started by
 * scripts/ci/pcsc.sh), vsmartcard's vpcd driver, our virtual card, nfc-pcsc.
 * Cards go on slot "Virtual PCD 00 01" (port 35964) so that tests elsewhere may use 00 00.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCard } from '@fedow/hardware';
import { createPcscReader, pcscAvailable, type CardReader } from '../src';
import { EventLog, PCSC_REQUIRED, reportAbsent } from './support';

const READER = 'Virtual PCD 00 01';
const PORT = 35964;
/** A DESFire-like ATR: byte 5 is not 0x4F, so PC/SC stacks take the card for ISO 14443-4. */
const ISO_14443_4_ATR_HEX = '3B8180018080';

const availability = await pcscAvailable();
if (!availability.ok && !PCSC_REQUIRED) reportAbsent('pcsc-reader', availability.reason);

describe.skipIf(!availability.ok && !PCSC_REQUIRED)('PC/SC reader through pcscd + vpcd', () => {
  let reader: CardReader | null = null;
  let log: EventLog;

  beforeAll(async () => {
    if (!availability.ok) throw new Error(`PC/SC stack required here but absent: ${availability.reason}`);
    const created = await createPcscReader();
    if (!created.ok) throw new Error(created.reason);
    reader = created.reader;
    log = new EventLog(reader);
    reader.start();
    await log.waitFor('reader-attached', (event) => event.reader === READER);
  });

  afterAll(async () => {
    await reader?.close();
  });

  it('lists the attached virtual readers', () => {
    expect(reader!.readers()).toContain(READER);
  });

  it.each([
    ['4-byte', '04a1b2c3', '04A1B2C3'],
    ['7-byte', '04e1f2a3b4c5d6', '04E1F2A3B4C5D6'],
    ['10-byte', '0a1b2c3d4e5f6a7b8c9d', '0A1B2C3D4E5F6A7B8C9D'],
  ])('reads a %s UID in uppercase and reports its removal', async (_size, uid, expected) => {
    const from = log.length;
    const card = await insertCard({ uid, port: PORT });
    const present = await log.waitFor('card', (event) => event.reader === READER, { from });
    expect(present).toEqual({ uid: expected, type: 'iso14443-3', reader: READER });
    await card.remove();
    const removed = await log.waitFor('card-removed', (event) => event.reader === READER, { from });
    expect(removed).toEqual({ reader: READER, uid: expected });
    expect(log.entries.slice(from).filter((entry) => entry.event === 'error')).toEqual([]);
  });

  it('reads the UID of an ISO 14443-4 card too (no AID needed)', async () => {
    const from = log.length;
    const card = await insertCard({ uid: '04A1B2C3D4E5F6', port: PORT, atrHex: ISO_14443_4_ATR_HEX });
    const present = await log.waitFor('card', (event) => event.reader === READER, { from });
    expect(present).toEqual({ uid: '04A1B2C3D4E5F6', type: 'iso14443-4', reader: READER });
    await card.remove();
    await log.waitFor('card-removed', (event) => event.reader === READER, { from });
  });

  it('reports a second tap of the same card as a new card event', async () => {
    const from = log.length;
    for (let tap = 0; tap < 2; tap++) {
      const mark = log.length;
      const card = await insertCard({ uid: 'DEADBEEF', port: PORT });
      await log.waitFor('card', (event) => event.reader === READER, { from: mark });
      await card.remove();
      await log.waitFor('card-removed', (event) => event.reader === READER, { from: mark });
    }
    const cards = log.entries.slice(from).filter((entry) => entry.event === 'card');
    expect(cards).toHaveLength(2);
  });

  it('answers feedback with "unsupported" on a reader without LED or buzzer', async () => {
    const from = log.length;
    const card = await insertCard({ uid: '04A1B2C3', port: PORT });
    await log.waitFor('card', (event) => event.reader === READER, { from });
    const result = await reader!.feedback('ok');
    await card.remove();
    expect(result).toMatchObject({ done: false, reason: 'unsupported' });
  });
});
