import { describe, expect, it } from 'vitest';
import { initialReaderView, readerAttached, readerDetached, readerFailed } from '../src/agent/reader-view';

describe('reader view', () => {
  it('is connected while at least one reader is attached, and keeps the last error shown', () => {
    const start = initialReaderView('pcsc');
    expect(start).toEqual({ kind: 'pcsc', readers: [], connected: false, lastError: null });
    const failed = readerFailed(start, { code: 'no_service', message: 'pcscd is not running' });
    expect(failed.lastError).toBe('no_service: pcscd is not running');
    const two = readerAttached(failed, ['ACR122U 00', 'ACR122U 01']);
    expect(two).toMatchObject({ readers: ['ACR122U 00', 'ACR122U 01'], connected: true, lastError: 'no_service: pcscd is not running' });
    expect(readerDetached(two, ['ACR122U 01'])).toMatchObject({ readers: ['ACR122U 01'], connected: true });
    expect(readerDetached(two, [])).toMatchObject({ readers: [], connected: false });
  });
});
