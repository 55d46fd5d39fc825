/** Every reason PC/SC cannot run comes back as a plain result, never as an exception or a hang. */
import { describe, expect, it } from 'vitest';
import { createPcscReader, createReader, pcscAvailable } from '../src';

const NO_DAEMON = '/nonexistent/fedow/pcscd.comm';

describe('PC/SC unavailable', () => {
  it('says so when pcscd is not running', async () => {
    const created = await createPcscReader({ socketPath: NO_DAEMON });
    expect(created).toEqual({ ok: false, reason: expect.stringMatching(/^PC\/SC unavailable: pcscd is not running \(ENOENT/) });
    expect(await pcscAvailable(NO_DAEMON)).toMatchObject({ ok: false });
  });

  it('says so when nfc-pcsc cannot be loaded', async () => {
    const load = () => import(['nfc-pcsc', 'absent'].join('-'));
    const created = await createPcscReader({ load });
    expect(created).toEqual({ ok: false, reason: expect.stringMatching(/^PC\/SC unavailable: cannot load nfc-pcsc \(.*nfc-pcsc-absent/) });
  });

  it('says so when the loaded module is not nfc-pcsc', async () => {
    const created = await createPcscReader({ load: async () => ({ default: {} }) });
    expect(created).toEqual({ ok: false, reason: 'PC/SC unavailable: nfc-pcsc loaded but has no NFC export' });
  });

  it('passes the reason through createReader', async () => {
    const created = await createReader({ kind: 'pcsc', socketPath: NO_DAEMON });
    expect(created.ok).toBe(false);
  });
});
