/**
 * Is a PC/SC daemon there? Asked before touching @pokusew/pcsclite, whose constructor
 * spins forever on the main thread while pcscd is absent (SCardEstablishContext
 * retried in a loop on SCARD_E_NO_SERVICE).
 */
import net from 'node:net';

/** pcsc-lite's compiled-in socket; libpcsclite honours PCSCLITE_CSOCK_NAME instead when set. */
export const PCSCD_SOCKET_DEFAULT = '/run/pcscd/pcscd.comm';
const PROBE_MS_MAX = 2_000;

export type PcscAvailability = { ok: true; socketPath: string } | { ok: false; reason: string };

export function pcscSocketPath(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.PCSCLITE_CSOCK_NAME || PCSCD_SOCKET_DEFAULT;
}

export function pcscAvailable(socketPath: string = pcscSocketPath()): Promise<PcscAvailability> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, reason: `pcscd did not accept a connection on ${socketPath} within ${PROBE_MS_MAX} ms` });
    }, PROBE_MS_MAX);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, socketPath });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `pcscd is not running (${error.code ?? error.message} on ${socketPath})` });
    });
  });
}
