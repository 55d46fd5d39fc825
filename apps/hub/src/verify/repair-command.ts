import type { HubContext } from '../context';
import type { Io } from '../cli/io';
import { table } from '../cli/io';
import { CLI_OPERATOR } from '../money/source';
import { applyRepairs, proposeRepairs } from './repair';
import { describeDiscrepancy, verifyChain } from './verify-chain';

/**
 * `fedow verify --repair [--apply]`: lists every stored balance that differs from
 * the replay of the transfers (writing nothing), or with --apply books each repair
 * as a correction request of the operator `cli`, then verifies the whole chain.
 * Exit 0 when nothing differs (or, with --apply, when the chain verifies after).
 */
export async function runRepairCommand(context: HubContext, options: { json: boolean; apply: boolean }, io: Io): Promise<number> {
  const report = await proposeRepairs(context);
  const write = (line: string) => io.stdout.write(`${line}\n`);
  if (report.chain) {
    // Hashes or signatures do not hold: the replay proves nothing, so nothing is proposed.
    if (options.json) write(JSON.stringify({ chain: report.chain, repairs: [], applied: [] }));
    else write(`chain BROKEN, nothing to repair from: ${describeDiscrepancy(report.chain)}`);
    return 1;
  }
  if (!options.apply) {
    if (options.json) write(JSON.stringify({ chain: null, repairs: report.drifts, replayedThroughSeq: report.replayedThroughSeq }));
    else if (report.drifts.length === 0) write('every stored balance equals the replay of the transfers: nothing to repair');
    else {
      write(`${report.drifts.length} balance(s) differ from the replay of the transfers (through seq ${report.replayedThroughSeq}):`);
      for (const line of table([['wallet', 'asset', 'stored', 'replay', 'difference'], ...report.drifts.map((d) => [d.wallet, d.asset, String(d.stored), String(d.replayed), signed(d.difference)])])) write(line);
      write('fedow verify --apply sets each to the replay, as a correction request of the operator "cli"');
    }
    return report.drifts.length === 0 ? 0 : 1;
  }
  const applied = await applyRepairs(context, { kind: 'operator', name: CLI_OPERATOR }, report);
  const result = await verifyChain(context);
  if (options.json) {
    write(JSON.stringify({ chain: null, repairs: report.drifts, applied: applied.map(({ drift, outcome }) => ({ ...drift, request: outcome.request, status: outcome.status, reason: outcome.reason, bookedBefore: outcome.replayed })), verify: result }));
  } else {
    for (const { drift, outcome } of applied) {
      const what = `${drift.wallet} ${drift.asset}: ${drift.stored} → ${drift.replayed}`;
      write(outcome.status === 'applied' ? `repaired ${what} (request ${outcome.request}${outcome.replayed ? ', booked before' : ''})` : `NOT repaired ${what}: ${outcome.message}`);
    }
    if (applied.length === 0) write('nothing to repair');
    write(result.ok ? 'chain OK after the repairs' : `chain still BROKEN: ${describeDiscrepancy(result.firstDiscrepancy!)}`);
  }
  return result.ok ? 0 : 1;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
