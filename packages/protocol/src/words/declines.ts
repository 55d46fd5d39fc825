/**
 * Why a till says no, in words a cashier reads at arm's length, in every
 * language. The codes are the ledger's (codes.ts) and the payment code's
 * (qr-sale.ts); the words are the till's, short and in the imperative. The
 * dashboard keeps its own words for the same codes: an operator reads them in a
 * table with the code beside them (dashboard/web/i18n.ts).
 */
import { RULE_MESSAGES, type QrCodeRefusal, type RuleCode } from '../codes';
import type { OfflinePolicy } from '../policy';
import type { Language, Words } from './language';
import { formatAmount, type MoneyUnit } from './money';

/**
 * Every rule code, so that a new one without words fails to compile. The codes a
 * till's own authoriser never gives keep the hub's English sentence as their
 * English words (what a till showed before they had French ones).
 */
export const DECLINE_WORDS: Record<RuleCode, Words> = {
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
  unknown_wallet: { en: RULE_MESSAGES.unknown_wallet, fr: 'portefeuille inconnu' },
  wrong_wallet_kind: { en: RULE_MESSAGES.wrong_wallet_kind, fr: 'ce portefeuille ne peut pas prendre part à cette action' },
  payment_reference_used: { en: RULE_MESSAGES.payment_reference_used, fr: 'cette référence de paiement a déjà été utilisée' },
  card_has_user: { en: RULE_MESSAGES.card_has_user, fr: 'cette carte appartient déjà à un utilisateur' },
  duplicate_first: { en: RULE_MESSAGES.duplicate_first, fr: 'cet actif a déjà son premier transfert' },
  reason_required: { en: RULE_MESSAGES.reason_required, fr: 'un motif est requis' },
  nothing_to_refund: { en: RULE_MESSAGES.nothing_to_refund, fr: 'rien à rembourser sur cette carte' },
  balance_moved: { en: RULE_MESSAGES.balance_moved, fr: 'le solde a changé depuis sa lecture : vérifiez à nouveau' },
};

/** The offline policy setting that refused, said as a limit. */
export const OFFLINE_LIMIT_WORDS: Partial<Record<keyof OfflinePolicy, Words>> = {
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
const CAP_WORDS: Partial<Record<keyof OfflinePolicy, (amount: string) => Words>> = {
  maxOfflineSale: (amount) => ({ en: `Offline limit: ${amount} per sale`, fr: `Plafond hors ligne : ${amount} par vente` }),
  maxOfflineCardSpend: (amount) => ({ en: `Offline limit: ${amount} per card`, fr: `Plafond hors ligne : ${amount} par carte` }),
  maxOfflineExposure: (amount) => ({ en: `Offline limit of this till: ${amount}`, fr: `Plafond hors ligne de la caisse : ${amount}` }),
};

/** A refusal as the till's authoriser gives it (packages/terminal's `Decline`). */
export interface DeclineFacts {
  code: RuleCode;
  /** What the card cannot pay, in minor units of `asset`. */
  missing?: number;
  asset?: string;
  limit?: keyof OfflinePolicy;
  /** That setting's value, in minor units of `asset`. */
  cap?: number;
}

/** "2.40 € missing" / "Il manque 2,40 €". */
export function missingWords(amount: string, language: Language): string {
  return language === 'fr' ? `Il manque ${amount}` : `${amount} missing`;
}

/**
 * "2.40 MLA missing" / "Il manque 2,40 MLA" when the card is short, in the asset's own unit; otherwise the
 * words of the code (or of the policy setting that refused).
 */
export function declineReason(decline: DeclineFacts, assets: ReadonlyMap<string, MoneyUnit>, language: Language): string {
  const words = (decline.limit && OFFLINE_LIMIT_WORDS[decline.limit]) ?? DECLINE_WORDS[decline.code];
  const unit = decline.asset === undefined ? undefined : assets.get(decline.asset);
  const cap = decline.limit && CAP_WORDS[decline.limit];
  // A cap is no shortfall: naming a missing amount would send the cashier asking for cash.
  if (cap && decline.cap !== undefined && unit !== undefined) return cap(formatAmount(decline.cap, unit, language))[language];
  if (decline.missing === undefined || unit === undefined) return words[language];
  const short = missingWords(formatAmount(decline.missing, unit, language), language);
  return decline.code === 'insufficient_funds' ? short : `${words[language]} — ${short}`;
}

/** Why a payment by QR code is declined at the till, beyond the ledger's rules. */
export type QrDeclineCode = QrCodeRefusal | 'qr_no_sale' | 'qr_no_answer' | 'qr_offline';

export const QR_DECLINE_WORDS: Record<QrDeclineCode, Words> = {
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
export function qrDeclineReason(code: QrDeclineCode | RuleCode, missing: { amount: number; asset: MoneyUnit } | undefined, language: Language): string {
  if (code in QR_DECLINE_WORDS) return QR_DECLINE_WORDS[code as QrDeclineCode][language];
  if (code === 'insufficient_funds' && missing) return missingWords(formatAmount(missing.amount, missing.asset, language), language);
  return DECLINE_WORDS[code as RuleCode][language];
}
