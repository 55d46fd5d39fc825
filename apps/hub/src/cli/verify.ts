import { parseArgs } from 'node:util';
import type { Io } from './io';
import { withContext } from './open';

export const VERIFY_USAGE = 'fedow verify [--json]';

/**
 * Walks every block and transfer (LEDGER.md "Blocks"). The verifier lives with the
 * sealer (src/verify); it is loaded only when this command runs.
 */
export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean', default: false } } });
  const { runVerifyCommand } = await import('../verify/verify-command');
  return withContext(io, (context) => runVerifyCommand(context, { json: values.json, progress: !values.json }));
}
