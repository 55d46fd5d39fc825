import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CorrectionCreate } from '@fedow/protocol';
import { correct } from '../money/correction';
import { CLI_OPERATOR } from '../money/source';
import { appliedOrThrow } from '../money/submit';
import { integer, type Io, print, required, UsageError, validate } from './io';
import { withContext } from './open';

export const CORRECT_USAGE = 'fedow correct --wallet W --asset A --amount N (--credit | --debit) --reason R [--key K] [--json]';

/**
 * A `COR` from the hub's machine, recorded under the operator `cli`. Each run is a
 * new request unless `--key` names one: a script that retries passes the same key.
 */
export async function correctCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      wallet: { type: 'string' },
      asset: { type: 'string' },
      amount: { type: 'string' },
      credit: { type: 'boolean', default: false },
      debit: { type: 'boolean', default: false },
      reason: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.credit === values.debit) throw new UsageError('fedow correct: give exactly one of --credit, --debit');
  const input = validate(CorrectionCreate, {
    wallet: required(values, 'wallet', 'correct'),
    asset: required(values, 'asset', 'correct'),
    amount: integer(required(values, 'amount', 'correct'), 'amount'),
    direction: values.credit ? 'credit' : 'debit',
    reason: required(values, 'reason', 'correct'),
  });
  const outcome = appliedOrThrow(
    await withContext(io, (context) => correct(context, { ...input, source: { kind: 'operator', name: CLI_OPERATOR }, idempotencyKey: values.key ?? `cli:${randomUUID()}` })),
  );
  print(io, values.json, { ...outcome }, () => [
    `${outcome.replayed ? 'already booked' : 'booked'}: ${input.direction} of ${input.amount} on wallet ${input.wallet} (asset ${input.asset}), request ${outcome.request}`,
  ]);
  return 0;
}
