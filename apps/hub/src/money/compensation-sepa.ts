import type { SepaAccountSetting } from '../config';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { RunView } from './compensation-statement';
import { normaliseIban } from './iban';
import { sepaCreditTransferFile, sepaDebtor, type SepaCredit } from './sepa';

/**
 * The bank transfers the federation makes for a run: one credit per settlement
 * payment it owes (FED claims it redeemed), from its own account to the place's.
 * Payments between places are on each place's statement: the federation's bank
 * account cannot make them.
 */
export async function compensationSepaFile(
  context: HubContext,
  run: RunView,
  accounts: Readonly<Record<string, { iban: string; holder: string }>>,
  setting: SepaAccountSetting,
): Promise<{ file: string; credits: number }> {
  const primary = await repo.getPrimaryWallet(context.storage.read);
  const owed = run.payments.filter((payment) => payment.debtor === primary?.id);
  if (owed.length === 0) throw new HubError('conflict', `the federation pays nothing in run ${run.request}: no SEPA file to make`);
  const debtor = sepaDebtor(setting);
  const credits: SepaCredit[] = [];
  const missing: string[] = [];
  for (const payment of owed) {
    const party = run.parties.find((candidate) => candidate.wallet === payment.creditor);
    const account = party?.place ? accounts[party.place] : undefined;
    if (!party?.place || !account) {
      missing.push(party?.name ?? payment.creditor);
      continue;
    }
    const iban = normaliseIban(account.iban);
    if (iban === null) throw new HubError('bad_request', `the IBAN given for ${party.name} is not valid (country, length or checksum)`);
    credits.push({ id: payment.id, amount: payment.amount, iban, holder: account.holder, remittance: `${run.federation.name} compensation ${run.from.slice(0, 10)} ${run.to.slice(0, 10)}` });
  }
  if (missing.length > 0) throw new HubError('bad_request', `give the bank account of ${missing.join(', ')} (accounts: {place id: {iban, holder}})`);
  return { file: sepaCreditTransferFile({ batch: run.request, createdAt: context.clock.now(), debtor, credits }), credits: credits.length };
}
