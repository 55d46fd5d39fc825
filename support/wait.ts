/**
 * Waiting on a condition and finding a free port: what every world here needs and
 * none should own, so that the hub cluster, the PostgreSQL server and the worlds of a
 * till do not each keep their own copy.
 */
import { createServer } from 'node:net';

/** Polls instead of sleeping: a loaded machine is slow, and a fixed sleep is either too short or wasted. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A free TCP port on 127.0.0.1 (for a child process that must listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
