import { PUSH_ENTRIES_MAX } from '@fedow/protocol';
import { hasRoom, nextPush } from './push-window';
import { halt, send, type Connection, type SyncRuntime } from './runtime';

/**
 * The pushing of the journal to the hub: reads the entries the window
 * (push-window.ts) asks for next and sends them, paced under the hub's rate
 * limit. The window decides what goes; this only reads, waits and sends.
 */

export function pump(runtime: SyncRuntime, connection: Connection, gapExpected?: number): void {
  if (runtime.current !== connection || !connection.welcomed) return;
  const { journal } = runtime.options.store;
  while (hasRoom(connection.window)) {
    const next = nextPush(connection.window, journal.entriesFrom(connection.window.nextSeq, PUSH_ENTRIES_MAX), gapExpected);
    if (next.kind === 'idle') return;
    // Selling fast would push an entry at a time above the hub's rate limit: wait
    // for a token instead; the entries appended meanwhile join the next push.
    const wait = runtime.pacer.waitMs(runtime.now());
    if (wait > 0) return schedulePump(runtime, connection, gapExpected, wait);
    if (next.kind === 'purged') return halt(runtime, 'purged', `the hub needs entry ${next.needed}, which this journal no longer holds`);
    if (!send(runtime, connection, { type: 'push', entries: next.entries })) return;
    connection.window = next.window;
    gapExpected = undefined;
  }
}

function schedulePump(runtime: SyncRuntime, connection: Connection, gapExpected: number | undefined, wait: number): void {
  runtime.pumpTimer ??= runtime.timers.setTimeout(() => {
    runtime.pumpTimer = null;
    if (runtime.current === connection) pump(runtime, connection, gapExpected);
    else if (runtime.current) pump(runtime, runtime.current);
  }, wait);
}
