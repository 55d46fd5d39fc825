import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompensationCreate, decimalAmount, UuidInput } from '@fedow/protocol';
import { configFromEnv } from '../config';
import { HubError } from '../errors';
import { compensate } from '../money/compensation';
import { compensateDue, monthPeriod } from '../money/compensation-schedule';
import { compensationSepaFile } from '../money/compensation-sepa';
import { loadRun, netOf, statementCsv, statementHtml, type RunView } from '../money/compensation-statement';
import { appliedOrThrow } from '../money/submit';
import { type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { withContext, withExistingContext } from './open';

export const COMPENSATE_USAGE =
  'fedow compensate --federation F (--month YYYY-MM | --from T --to T) | --due monthly|weekly | --statement RUN --place P [--csv] [--lang fr|en] | --sepa RUN --iban PLACE=IBAN:HOLDER… [--out FILE]  [--json]';

const ACTIONS = ['federation', 'due', 'statement', 'sepa'] as const;

/** Place ↔ place compensation: book a period, the schedule's due runs, a place's statement, the federation's SEPA file. */
export async function compensateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      federation: { type: 'string' },
      month: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      due: { type: 'string' },
      statement: { type: 'string' },
      place: { type: 'string' },
      csv: { type: 'boolean', default: false },
      lang: { type: 'string' },
      sepa: { type: 'string' },
      iban: { type: 'string', multiple: true },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ACTIONS, 'compensate');
  if (action === 'federation') {
    const period = values.month !== undefined ? monthPeriod(values.month) : { from: required(values, 'from', 'federation'), to: required(values, 'to', 'federation') };
    const order = validate(CompensationCreate, { federation: values.federation, ...period });
    const run = await withContext(io, async (context) => loadRun(context, appliedOrThrow(await compensate(context, order)).request));
    print(io, values.json, { ...run }, () => describeRun(run));
    return 0;
  }
  if (action === 'due') {
    const cadence = values.due;
    if (cadence !== 'monthly' && cadence !== 'weekly') throw new UsageError('--due is monthly or weekly');
    const results = await withContext(io, (context) => compensateDue(context, cadence));
    print(io, values.json, { results }, () =>
      results.map((result) => `${result.federation}: ${result.error ?? `${result.outcome?.replayed ? 'already booked' : 'booked'} (request ${result.outcome?.request}, ${result.outcome?.transfers.length} CMP)`}`),
    );
    return results.some((result) => result.error !== null) ? 1 : 0;
  }
  if (action === 'statement') {
    const id = validate(UuidInput, values.statement, 'statement');
    const place = validate(UuidInput, required(values, 'place', 'statement'), 'place');
    const language = values.lang === 'fr' ? 'fr' : values.lang === undefined || values.lang === 'en' ? 'en' : null;
    if (language === null) throw new UsageError('--lang is fr or en');
    const text = await withExistingContext(io, async (context) => {
      const run = await loadRun(context, id);
      const party = run.parties.find((candidate) => candidate.place === place);
      if (!party) throw new HubError('not_found', `place ${place} has no line in run ${id}`);
      return values.csv ? statementCsv(run, party.wallet) : statementHtml(run, party.wallet, language);
    });
    io.stdout.write(text);
    return 0;
  }
  const id = validate(UuidInput, values.sepa, 'sepa');
  const accounts = Object.fromEntries((values.iban ?? []).map(parseAccount));
  const sepa = configFromEnv(process.env).sepa;
  const { file, credits } = await withExistingContext(io, async (context) => compensationSepaFile(context, await loadRun(context, id), accounts, sepa));
  if (values.out === undefined) io.stdout.write(file);
  else {
    writeFileSync(values.out, file);
    io.stderr.write(`${credits} credit transfer(s) written to ${values.out}\n`);
  }
  return 0;
}

/** `PLACE=IBAN:HOLDER`: the bank account of a place the federation pays. */
function parseAccount(text: string): [string, { iban: string; holder: string }] {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(text);
  if (!match) throw new UsageError(`--iban is PLACE=IBAN:HOLDER, not ${text}`);
  return [validate(UuidInput, match[1], 'iban'), { iban: match[2]!, holder: match[3]! }];
}

function describeRun(run: RunView): string[] {
  const name = (wallet: string) => run.parties.find((party) => party.wallet === wallet)?.name ?? wallet;
  const amount = (value: number) => `${decimalAmount(value, run.unit.decimals)} ${run.unit.code}`;
  return [
    `compensation ${run.request}: ${run.federation.name}, ${run.from} → ${run.to} (booked ${run.bookedAt})`,
    `${run.claims.length} claim(s) returned to their issuer, ${run.payments.length} payment(s):`,
    ...table([['payer', 'payee', 'amount'], ...run.payments.map((payment) => [name(payment.debtor), name(payment.creditor), amount(payment.amount)])]),
    'net positions:',
    ...table(run.parties.map((party) => [party.name, amount(netOf(run, party.wallet))])),
  ];
}
