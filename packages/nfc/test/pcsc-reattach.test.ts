/**
 * A reader that goes away and comes back without restarting the till. With vpcd the
 * readers are declared in reader.conf, so the way to make them vanish is to stop pcscd:
 * nfc-pcsc then emits `end` on each reader and an `error` on the session, after which
 * the session is dead. This test runs its own pcscd so stopping it disturbs nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCard, privatePcscdUnsupported, startPrivatePcscd, type PrivatePcscd } from '@fedow/hardware';
import { createPcscReader, type CardReader } from '../src';
import { EventLog, PCSC_REQUIRED, reportAbsent } from './support';

const READER = 'Virtual PCD 00 00';
const unsupported = privatePcscdUnsupported();
if (unsupported && !PCSC_REQUIRED) reportAbsent('pcsc-reattach', unsupported);

describe.skipIf(unsupported !== null && !PCSC_REQUIRED)('PC/SC reader detached and attached again', () => {
  let pcscd: PrivatePcscd | null = null;
  let reader: CardReader | null = null;
  let log: EventLog;

  beforeAll(async () => {
    const started = await startPrivatePcscd();
    if (!started.ok) throw new Error(started.reason);
    pcscd = started.pcscd;
    const created = await createPcscReader({ socketPath: pcscd.socketPath, reconnectMs: 100 });
    if (!created.ok) throw new Error(created.reason);
    reader = created.reader;
    log = new EventLog(reader);
    reader.start();
    await log.waitFor('reader-attached', (event) => event.reader === READER);
  });

  afterAll(async () => {
    await reader?.close();
    await pcscd?.dispose();
  });

  it('reports the card removed and the readers detached when pcscd goes, and works again when it is back', async () => {
    const daemon = pcscd!;
    const first = await insertCard({ uid: '04A1B2C3', port: daemon.port });
    await log.waitFor('card', (event) => event.uid === '04A1B2C3');

    const beforeStop = log.length;
    await daemon.stop();
    await log.waitFor('reader-detached', (event) => event.reader === READER, { from: beforeStop });
    await log.waitFor('reader-detached', (event) => event.reader === 'Virtual PCD 00 01', { from: beforeStop });
    await first.closed; // vpcd died with pcscd, taking the card's connection with it
    // The two readers go in either order; on the card's own reader, the card goes before the reader.
    const afterStop = log.entries.slice(beforeStop).filter((entry) => entry.event !== 'error' && (entry.payload as { reader?: string }).reader === READER);
    expect(afterStop.slice(0, 2)).toEqual([
      { event: 'card-removed', payload: { reader: READER, uid: '04A1B2C3' } },
      { event: 'reader-detached', payload: { reader: READER } },
    ]);
    expect(reader!.readers()).toEqual([]);

    const beforeStart = log.length;
    await daemon.start();
    await log.waitFor('reader-attached', (event) => event.reader === READER, { from: beforeStart });
    const second = await insertCard({ uid: '04e1f2a3b4c5d6', port: daemon.port });
    const present = await log.waitFor('card', (event) => event.reader === READER, { from: beforeStart });
    expect(present).toEqual({ uid: '04E1F2A3B4C5D6', type: 'iso14443-3', reader: READER });
    await second.remove();
    await log.waitFor('card-removed', (event) => event.uid === '04E1F2A3B4C5D6', { from: beforeStart });
  });
});
