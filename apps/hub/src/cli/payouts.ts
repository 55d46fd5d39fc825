import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PayoutCreate, PayoutStatus, Uuid, type Payout, type PayoutBatch } from '@fedow/protocol';
import { configFromEnv } from '../config';
import { HubError } from '../errors';
import { CLI_OPERATOR } from '../money/source';
import { appliedOrThrow } from '../money/submit';
import { approvePayouts, exportBatch, listPayoutViews, markBatchSent, refusePayout, requestPayoutFor } from '../money/payouts';
import { euros } from './deposit';
import { integer, type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { withContext } from './open';

export const PAYOUTS_USAGE =
  'fedow payouts --list [--status requested|approved|paid|refused] | --request (--card TAG | --wallet ID) --amount CENTS --iban IBAN --holder NAME | --approve [ID …] | --export BATCH --out FILE | --sent BATCH [--key K] | --refuse ID  [--json]';

export async function payoutsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      request: { type: 'boolean' },
      approve: { type: 'boolean' },
      export: { type: 'string' },
      sent: { type: 'string' },
      refuse: { type: 'string' },
      status: { type: 'string' },
      card: { type: 'string' },
      wallet: { type: 'string' },
      amount: { type: 'string' },
      iban: { type: 'string' },
      holder: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['list', 'request', 'approve', 'export', 'sent', 'refuse'] as const, 'payouts');
  if (action !== 'approve' && positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  switch (action) {
    case 'list': {
      const status = values.status === undefined ? undefined : validate(PayoutStatus, values.status, 'status');
      const payouts = await withContext(io, (context) => listPayoutViews(context, status));
      print(io, values.json, { payouts }, () =>
        payouts.length === 0 ? ['no payout'] : table([['id', 'status', 'amount', 'holder', 'iban', 'batch'], ...payouts.map((p) => [p.id, p.status, euros(p.amount), p.holder, p.iban, p.batch ?? '-'])]),
      );
      return 0;
    }
    case 'request': {
      const input = validate(PayoutCreate, {
        card: values.card,
        wallet: values.wallet,
        amount: integer(required(values, 'amount', action), 'amount'),
        iban: required(values, 'iban', action),
        holder: required(values, 'holder', action),
      });
      const payout = await withContext(io, (context) => requestPayoutFor(context, input));
      print(io, values.json, { ...payout }, () => [`payout ${payout.id} of ${euros(payout.amount)} to ${payout.holder} (${payout.iban}) requested`]);
      return 0;
    }
    case 'approve': {
      const ids = positionals.length === 0 ? undefined : positionals.map((id) => validate(Uuid, id, 'approve'));
      const batch = await withContext(io, (context) => approvePayouts(context, CLI_OPERATOR, ids));
      print(io, values.json, { ...batch }, () => describeBatch(batch));
      return 0;
    }
    case 'export': {
      const id = validate(Uuid, values.export, 'export');
      const out = required(values, 'out', action);
      const { file } = await withContext(io, (context) => exportBatch(context, id, configFromEnv(process.env).sepa));
      try {
        writeFileSync(out, file);
      } catch (error) {
        throw new HubError('bad_request', `cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`);
      }
      print(io, values.json, { batch: id, out, bytes: Buffer.byteLength(file) }, () => [`SEPA file of batch ${id} written to ${out} (pain.001.001.03)`]);
      return 0;
    }
    case 'sent': {
      const batch = validate(Uuid, values.sent, 'sent');
      // Each run is a deliberate act; a second mark of the batch is answered with the first's booking anyway.
      const key = values.key ?? randomUUID();
      const outcome = appliedOrThrow(await withContext(io, (context) => markBatchSent(context, { batch, source: { kind: 'operator', name: CLI_OPERATOR }, idempotencyKey: key })));
      const total = outcome.transfers.reduce((sum, transfer) => sum + transfer.amount, 0);
      print(io, values.json, { ...outcome }, () => [
        outcome.replayed ? `batch ${batch} was already booked by request ${outcome.request}` : `batch ${batch} booked: ${outcome.transfers.length} payout(s), ${euros(total)} (request ${outcome.request})`,
      ]);
      return 0;
    }
    case 'refuse': {
      const id = validate(Uuid, values.refuse, 'refuse');
      const payout: Payout = await withContext(io, (context) => refusePayout(context, id));
      print(io, values.json, { ...payout }, () => [`payout ${payout.id} refused${payout.batch ? ` (batch ${payout.batch}: export its file again)` : ''}`]);
      return 0;
    }
  }
}

function describeBatch(batch: PayoutBatch): string[] {
  return [
    `batch ${batch.id}: ${batch.payouts.length} payout(s), ${euros(batch.total)}, approved by ${batch.approvedBy}`,
    `next: fedow payouts --export ${batch.id} --out FILE, send the file to the bank, then fedow payouts --sent ${batch.id}`,
  ];
}
