// Checkpoints the SQLite WAL on a thread of its own (see checkpointer.ts for why).
// Plain JavaScript: it needs nothing but better-sqlite3, and so no tsx hooks.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ path: string, intervalMs: number, restartFrames: number, busyTimeoutMs: number }} */
const options = workerData;
const db = new Database(options.path, { fileMustExist: true });
db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);

function checkpoint() {
  // PASSIVE never waits for the writer: it copies what no reader still needs.
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
  // A WAL the writer never got to restart (readers kept old snapshots) is
  // brought back to its start by waiting for them, as SQLite's own
  // auto-checkpoint never does.
  if (passive.log > options.restartFrames) db.pragma('wal_checkpoint(RESTART)');
}

const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (error) {
    clearInterval(timer);
    parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}, options.intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
