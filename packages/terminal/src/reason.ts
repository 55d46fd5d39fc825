import { RULE_MESSAGES, type AssetInfo, type OfflinePolicy, type QrCodeRefusal, type RuleCode } from '@fedow/protocol';
import type { Decline, DeclineCode } from './decision/authoriser';

/** A decline in words a cashier can read at arm's length, in English or French. */

export type Language = 'en' | 'fr';

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', CHF: 'CHF' };

/**
 * Minor units → "2.40 €" / "2,40 €", with the asset's decimals. Money is an
 * integer everywhere else; only here does it get a decimal separator.
 */
export function formatAmount(amount: number, asset: Pick<AssetInfo, 'decimals' | 'currencyCode'>, language: Language): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError('amounts are integers in minor units');
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toString().padStart(asset.decimals + 1, '0');
  const whole = digits.slice(0, digits.length - asset.decimals);
  const fraction = digits.slice(digits.length - asset.decimals);
  const separator = language === 'fr' ? ',' : '.';
  const number = asset.decimals > 0 ? `${whole}${separator}${fraction}` : whole;
  return `${sign}${number} ${SYMBOLS[asset.currencyCode] ?? asset.currencyCode}`;
}

type Words = Record<Language, string>;

const MESSAGES: Record<DeclineCode, Words> = {
  invalid_primary_card: { en: 'This cashier card is not valid here', fr: 'Carte caissier non valable ici' },
  invalid_amount: { en: 'Invalid amount', fr: 'Montant invalide' },
  offline_not_allowed: { en: 'This needs the network', fr: 'Cette opération nécessite le réseau' },
  unknown_card: { en: 'Unknown card', fr: 'Carte inconnue' },
  card_lost: { en: 'This card was declared lost', fr: 'Carte déclarée perdue' },
  card_blocked: { en: 'Card blocked: top it up first', fr: "Carte bloquée : rechargez-la d'abord" },
  unknown_asset: { en: 'Unknown currency', fr: 'Monnaie inconnue' },
  asset_archived: { en: 'This currency is archived', fr: 'Cette monnaie est archivée' },
  asset_not_accepted: { en: 'This currency is not accepted here', fr: 'Monnaie non acceptée ici' },
  wrong_asset_category: { en: 'This currency cannot be used for this', fr: 'Cette monnaie ne peut pas servir à cela' },
  payment_reference_required: {
    en: 'This currency is topped up only with a payment reference',
    fr: "Cette monnaie ne se recharge qu'avec une référence de paiement",
  },
  not_asset_origin: { en: 'Only the place that issues this currency can do this', fr: 'Seul le lieu émetteur de cette monnaie peut faire cela' },
  insufficient_funds: { en: 'Not enough money on the card', fr: "Pas assez d'argent sur la carte" },
  offline_policy_exceeded: { en: 'Offline limit reached', fr: 'Plafond hors ligne atteint' },
  uid_mismatch: { en: 'Possible cloned card: refused, call a manager', fr: 'Carte peut-être clonée : refusée, appelez un responsable' },
};

const LIMITS: Partial<Record<keyof OfflinePolicy, Words>> = {
  maxOfflineSale: { en: 'Offline: sale above the limit', fr: 'Hors ligne : vente au-delà du plafond' },
  maxOfflineCardSpend: { en: "Offline: this card's limit is reached", fr: 'Hors ligne : plafond de la carte atteint' },
  maxOfflineExposure: { en: "Offline: the till's limit is reached", fr: 'Hors ligne : plafond de la caisse atteint' },
  maxOfflineMinutes: {
    en: 'Offline for too long: sales wait for the network',
    fr: 'Hors ligne depuis trop longtemps : ventes suspendues',
  },
  offlineRefunds: { en: 'Refunds need the network', fr: 'Les remboursements nécessitent le réseau' },
  unknownCardTopUp: { en: 'Unknown card', fr: 'Carte inconnue' },
};

/** The offline caps, said as what they are, with their value in the asset's own unit. */
const CAPS: Partial<Record<keyof OfflinePolicy, (amount: string) => Words>> = {
  maxOfflineSale: (amount) => ({ en: `Offline limit: ${amount} per sale`, fr: `Plafond hors ligne : ${amount} par vente` }),
  maxOfflineCardSpend: (amount) => ({ en: `Offline limit: ${amount} per card`, fr: `Plafond hors ligne : ${amount} par carte` }),
  maxOfflineExposure: (amount) => ({ en: `Offline limit of this till: ${amount}`, fr: `Plafond hors ligne de la caisse : ${amount}` }),
};

/**
 * "2.40 MLA missing" / "Il manque 2,40 MLA" when the card is short, in the asset's own unit; otherwise the
 * words of the code (or of the policy setting that refused).
 */
export function declineReason(decline: Decline, assets: ReadonlyMap<string, AssetInfo>, language: Language): string {
  const words = (decline.limit && LIMITS[decline.limit]) ?? MESSAGES[decline.code];
  const unit = decline.asset === undefined ? undefined : assets.get(decline.asset);
  const cap = decline.limit && CAPS[decline.limit];
  // A cap is no shortfall: naming a missing amount would send the cashier asking for cash.
  if (cap && decline.cap !== undefined && unit !== undefined) return cap(formatAmount(decline.cap, unit, language))[language];
  if (decline.missing === undefined || unit === undefined) return words[language];
  const missing = formatAmount(decline.missing, unit, language);
  const short = language === 'fr' ? `Il manque ${missing}` : `${missing} missing`;
  return decline.code === 'insufficient_funds' ? short : `${words[language]} — ${short}`;
}

/** Why a payment by QR code is declined at the till, beyond the ledger's rules. */
export type QrDeclineCode = QrCodeRefusal | 'qr_no_sale' | 'qr_no_answer' | 'qr_offline';

const QR_MESSAGES: Record<QrDeclineCode, Words> = {
  code_unreadable: { en: 'Unreadable payment code: scan it again', fr: 'Code de paiement illisible : scannez-le à nouveau' },
  code_expired: { en: 'This payment code has expired: ask for a fresh one', fr: 'Ce code de paiement a expiré : demandez-en un nouveau' },
  code_used: { en: 'This payment code was already used: ask for a fresh one', fr: 'Ce code de paiement a déjà servi : demandez-en un nouveau' },
  code_forged: { en: 'Invalid payment code: its signature does not match', fr: 'Code de paiement invalide : sa signature ne correspond pas' },
  wallet_without_key: { en: 'This payment code belongs to no registered account', fr: 'Ce code de paiement ne correspond à aucun compte enregistré' },
  till_signature: { en: 'The hub refused this till’s signature', fr: 'Le hub a refusé la signature de cette caisse' },
  till_not_active: { en: 'This till is not active on the hub', fr: "Cette caisse n'est pas active sur le hub" },
  qr_no_sale: { en: 'Enter the amount and press Charge, then scan the code', fr: 'Saisissez le montant et appuyez sur Encaisser, puis scannez le code' },
  qr_no_answer: {
    en: 'No answer from the hub: check the customer’s history before trying again',
    fr: "Pas de réponse du hub : vérifiez l'historique du client avant de réessayer",
  },
  qr_offline: { en: 'Payment by QR code needs the network', fr: 'Le paiement par QR code nécessite le réseau' },
};

/** A declined payment code in words; a ledger rule's refusal reads as a card's would. */
export function qrDeclineReason(
  code: QrDeclineCode | RuleCode,
  missing: { amount: number; asset: Pick<AssetInfo, 'decimals' | 'currencyCode'> } | undefined,
  language: Language,
): string {
  if (code in QR_MESSAGES) return QR_MESSAGES[code as QrDeclineCode][language];
  if (code === 'insufficient_funds' && missing) {
    const amount = formatAmount(missing.amount, missing.asset, language);
    return language === 'fr' ? `Il manque ${amount}` : `${amount} missing`;
  }
  return code in MESSAGES ? MESSAGES[code as DeclineCode][language] : RULE_MESSAGES[code as RuleCode];
}
