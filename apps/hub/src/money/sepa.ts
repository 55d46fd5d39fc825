import { Document as SepaDocument } from 'sepa';
import type { SepaAccountSetting } from '../config';
import { HubError } from '../errors';
import { normaliseIban } from './iban';

/**
 * The ISO 20022 `pain.001.001.03` credit-transfer file of a payout batch, built
 * by the `sepa` library (its own XML tree, escaping and field checks; no string
 * concatenation here). The federation's account is the debtor; each payout a
 * credit transfer to its holder's IBAN.
 */

export const SEPA_FORMAT = 'pain.001.001.03';
/** `Nm` of a party and `Ustrd` of a transfer, in characters (pain.001 Max70Text, Max140Text). */
const NAME_CHARS_MAX = 70;
const REMITTANCE_CHARS_MAX = 140;

export interface SepaDebtor {
  name: string;
  iban: string;
  bic: string;
}

export interface SepaCredit {
  /** The payout's id: the transfer's end-to-end id, which the bank hands back on a return. */
  id: string;
  /** In cents. */
  amount: number;
  iban: string;
  holder: string;
  /** What the creditor reads on its statement; a payout's words when not given. */
  remittance?: string;
}

/** The federation's bank account from the environment, checked; a typed refusal names what is missing or wrong. */
export function sepaDebtor(setting: SepaAccountSetting): SepaDebtor {
  const given = { FEDOW_SEPA_NAME: setting.name?.trim() ?? '', FEDOW_SEPA_IBAN: setting.iban?.trim() ?? '', FEDOW_SEPA_BIC: setting.bic?.trim() ?? '' };
  const missing = Object.entries(given).flatMap(([name, value]) => (value === '' ? [name] : []));
  if (missing.length > 0) throw new HubError('not_configured', `a SEPA file needs the federation's bank account: set ${missing.join(', ')} in the hub's environment`);
  const iban = normaliseIban(given.FEDOW_SEPA_IBAN);
  if (iban === null) throw new HubError('not_configured', `FEDOW_SEPA_IBAN is not a valid IBAN (country, length or checksum)`);
  const bic = given.FEDOW_SEPA_BIC.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic)) throw new HubError('not_configured', 'FEDOW_SEPA_BIC is not a BIC (8 or 11 letters and digits)');
  if (bic.slice(4, 6) !== iban.slice(0, 2)) throw new HubError('not_configured', `FEDOW_SEPA_BIC is of country ${bic.slice(4, 6)}, FEDOW_SEPA_IBAN of ${iban.slice(0, 2)}`);
  const name = sepaText(given.FEDOW_SEPA_NAME, NAME_CHARS_MAX);
  return { name, iban, bic };
}

/**
 * A batch's file. `messageId` is the batch id in base 36 (25 characters): the
 * library prefixes payment and instruction ids with it, and they must stay
 * within 35 characters with up to PAYOUT_BATCH_PAYOUTS_MAX transfers.
 */
export function sepaCreditTransferFile(input: { batch: string; createdAt: Date; debtor: SepaDebtor; credits: readonly SepaCredit[] }): string {
  const document = new SepaDocument(SEPA_FORMAT);
  document.grpHdr.id = sepaMessageId(input.batch);
  document.grpHdr.created = input.createdAt;
  document.grpHdr.initiatorName = input.debtor.name;
  const info = document.createPaymentInfo();
  info.requestedExecutionDate = input.createdAt;
  info.debtorName = input.debtor.name;
  info.debtorIBAN = input.debtor.iban;
  info.debtorBIC = input.debtor.bic;
  document.addPaymentInfo(info);
  for (const credit of input.credits) {
    const transfer = info.createTransaction();
    transfer.end2endId = credit.id.replace(/-/g, '');
    // Cents to euros only here, at the edge: the library writes two decimals.
    transfer.amount = credit.amount / 100;
    transfer.currency = 'EUR';
    transfer.creditorName = sepaText(credit.holder, NAME_CHARS_MAX);
    transfer.creditorIBAN = credit.iban;
    transfer.remittanceInfo = sepaText(credit.remittance ?? `${input.debtor.name} payout ${credit.id}`, REMITTANCE_CHARS_MAX);
    info.addTransaction(transfer);
  }
  try {
    return document.toString();
  } catch (error) {
    // The library's own checks; our inputs were checked before, so this names a datum we let through.
    throw new HubError('conflict', `the SEPA file cannot be made: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function sepaMessageId(batch: string): string {
  return BigInt(`0x${batch.replace(/-/g, '')}`).toString(36).toUpperCase();
}

/**
 * Text in the SEPA Latin character set (EPC guidance: a–z, A–Z, 0–9, / - ? : ( ) . , ' + space):
 * accents dropped (Élodie → Elodie), anything else a space, cut to `max`.
 */
export function sepaText(text: string, max: number): string {
  const latin = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
  return latin === '' ? 'NOTPROVIDED' : latin;
}
