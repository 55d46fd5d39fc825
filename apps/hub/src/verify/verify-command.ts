import type { Io } from '../cli/io';
import type { HubContext } from '../context';
import type { VerifyProgress } from './types';
import { describeDiscrepancy, verifyChain } from './verify-chain';

/** Redraws of the progress bar per second at most: a terminal is slower than the verifier. */
const PROGRESS_REDRAW_MS = 100;
const BAR_CHARS = 30;

/**
 * `fedow verify [--json] [--progress]`: runs verifyChain, prints a progress bar on
 * stderr (on a TTY, or when asked), then one line — or with --json one object —
 * on stdout. Exit code 0 when the chain verifies, 1 at the first discrepancy.
 * Writes to `io` as every command does, so the CLI's entry function can run it in-process.
 */
export async function runVerifyCommand(context: HubContext, options: { json: boolean; progress: boolean }, io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const bar = options.progress || isTty(io.stderr) ? progressBar(io.stderr) : null;
  const result = await verifyChain(context, { onProgress: bar?.update });
  bar?.end();
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (result.firstDiscrepancy === null) {
    io.stdout.write(
      `chain OK: ${count(result.blocksChecked)} blocks, ${count(result.transfersChecked)} transfers, ${count(result.entriesChecked)} entries verified in ${(result.durationMs / 1_000).toFixed(1)} s\n`,
    );
  } else {
    io.stdout.write(`chain BROKEN: ${describeDiscrepancy(result.firstDiscrepancy)}\n`);
    io.stdout.write(`(checked ${count(result.blocksChecked)} blocks, ${count(result.transfersChecked)} transfers, ${count(result.entriesChecked)} entries before it)\n`);
  }
  return result.ok ? 0 : 1;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function isTty(stream: NodeJS.WritableStream): boolean {
  // Only a process's own streams are TTYs; the Io's type does not carry the flag.
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function progressBar(out: NodeJS.WritableStream): { update: (progress: VerifyProgress) => void; end: () => void } {
  let drawnAt = 0;
  let drawn = false;
  let phase = '';
  const tty = isTty(out);
  return {
    update(progress) {
      const now = performance.now();
      const finished = progress.done >= progress.total;
      if (progress.phase === phase && now - drawnAt < PROGRESS_REDRAW_MS && !finished) return;
      phase = progress.phase;
      drawnAt = now;
      drawn = true;
      const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
      const filled = Math.round(ratio * BAR_CHARS);
      const line = `${progress.phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(BAR_CHARS - filled)}] ${count(progress.done)}/${count(progress.total)}`;
      // On a TTY the line is redrawn in place; a pipe or a log gets one line per redraw.
      out.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    end() {
      if (drawn && tty) out.write('\n');
    },
  };
}
