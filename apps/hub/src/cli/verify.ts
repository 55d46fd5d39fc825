import { parseArgs } from 'node:util';
import type { Io } from './io';
import { withContext, withExistingContext } from './open';

export const VERIFY_USAGE = 'fedow verify [--repair [--apply]] [--json]';

/**
 * Walks every block and transfer (LEDGER.md "Blocks"). The verifier lives with the
 * sealer (src/verify); it is loaded only when this command runs. `--repair` lists
 * the stored balances that differ from the replay; `--apply` sets them to it.
 */
export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { json: { type: 'boolean', default: false }, repair: { type: 'boolean', default: false }, apply: { type: 'boolean', default: false } },
  });
  if (values.repair || values.apply) {
    const { runRepairCommand } = await import('../verify/repair-command');
    return withContext(io, (context) => runRepairCommand(context, { json: values.json, apply: values.apply }, io));
  }
  const { runVerifyCommand } = await import('../verify/verify-command');
  return withExistingContext(io, (context) => runVerifyCommand(context, { json: values.json, progress: !values.json }, io));
}
