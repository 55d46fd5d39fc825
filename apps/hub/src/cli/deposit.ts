import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DepositCreate } from '@fedow/protocol';
import { deposit } from '../money/deposit';
import { CLI_OPERATOR } from '../money/source';
import { appliedOrThrow } from '../money/submit';
import { integer, type Io, print, required, validate } from './io';
import { withContext } from './open';

const FLAGS = '--place ID --amount CENTS [--asset ID] [--comment C] [--key K]  [--json]';
export const DEPOSIT_USAGE = `fedow deposit ${FLAGS}`;
/** The original Fedow's name for the same command. */
export const BANK_DEPOSIT_ALIAS_USAGE = `fedow global_asset_bank_stripe_deposit ${FLAGS}`;

/** A place's money deposited at the bank (`BNK`): FED unless --asset; amounts in cents like every amount of the CLI. */
export async function depositCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      place: { type: 'string' },
      amount: { type: 'string' },
      asset: { type: 'string' },
      comment: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const input = validate(DepositCreate, {
    place: required(values, 'place', 'deposit'),
    amount: integer(required(values, 'amount', 'deposit'), 'amount'),
    asset: values.asset,
    comment: values.comment,
  });
  // Each run is a deliberate act; --key makes a retry of the same deposit safe.
  const key = values.key ?? randomUUID();
  const outcome = appliedOrThrow(await withContext(io, (context) => deposit(context, { ...input, source: { kind: 'operator', name: CLI_OPERATOR }, idempotencyKey: key })));
  print(io, values.json, { ...outcome }, () => [
    `${outcome.replayed ? 'already deposited' : 'deposited'}: ${input.asset === undefined ? euros(input.amount) : `${input.amount} (minor units of ${input.asset})`} of place ${input.place} left the system (BNK, request ${outcome.request})`,
  ]);
  return 0;
}

/** Cents as euros for people ("12.50 €"); JSON keeps the integer. */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const value = Math.abs(cents);
  return `${sign}${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')} €`;
}
