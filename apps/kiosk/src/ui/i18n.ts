/**
 * Every word the till shows, in French and English. Keys are checked by the type
 * system: a string missing in one language does not compile. Declines and
 * balances arrive already worded by the agent (in its language); the UI's own
 * words are here.
 */
import type { Language } from '@fedow/protocol/words';

export type { Language };

const WORDS = {
  appName: { fr: 'Caisse Fedow', en: 'Fedow till' },
  connecting: { fr: 'Connexion au service de caisse…', en: 'Connecting to the till service…' },
  serviceDown: { fr: 'Service de caisse en redémarrage…', en: 'Till service restarting…' },
  online: { fr: 'En ligne', en: 'Online' },
  offline: { fr: 'Hors ligne', en: 'Offline' },
  offlineCalm: { fr: 'Hors ligne — les ventes continuent', en: 'Offline — sales go on' },
  connectingHub: { fr: 'Connexion au hub…', en: 'Connecting to the hub…' },
  stopped: { fr: 'Synchronisation arrêtée', en: 'Sync stopped' },
  lastSync: { fr: 'Synchro', en: 'Synced' },
  never: { fr: 'jamais', en: 'never' },
  ago: { fr: 'il y a {t}', en: '{t} ago' },
  waiting: { fr: 'en attente', en: 'waiting' },
  reader: { fr: 'Lecteur', en: 'Reader' },
  readerOk: { fr: 'Lecteur OK', en: 'Reader OK' },
  readerMissing: { fr: 'Pas de lecteur', en: 'No reader' },
  cashier: { fr: 'Caissier', en: 'Cashier' },
  nothingToIssue: { fr: 'aucune monnaie émise ici', en: 'no currency issued here' },
  fedTopUpOnline: { fr: 'se recharge en ligne (paiement vérifié), pas en caisse', en: 'topped up online (verified payment), not at a till' },
  issuedElsewhere: { fr: 'émise par un autre lieu : rechargée là-bas', en: 'issued by another place: topped up there' },
  // screens
  sale: { fr: 'Vente', en: 'Sale' },
  topUp: { fr: 'Recharge', en: 'Top-up' },
  check: { fr: 'Carte', en: 'Card' },
  refund: { fr: 'Rembourser', en: 'Refund' },
  membership: { fr: 'Adhésion', en: 'Membership' },
  badge: { fr: 'Badge', en: 'Badge' },
  close: { fr: 'Clôture', en: 'Close' },
  lock: { fr: 'Verrouiller', en: 'Lock' },
  language: { fr: 'English', en: 'Français' },
  // pairing
  pairTitle: { fr: 'Appairer cette caisse', en: 'Pair this till' },
  pairHelp: {
    fr: "Adresse du hub et code d'appairage donné par l'opérateur (fedow terminals --pair).",
    en: 'Hub address and the pairing code from the operator (fedow terminals --pair).',
  },
  hubUrl: { fr: 'Adresse du hub', en: 'Hub address' },
  pairingCode: { fr: "Code d'appairage", en: 'Pairing code' },
  tillName: { fr: 'Nom de la caisse', en: 'Till name' },
  pair: { fr: 'Appairer', en: 'Pair' },
  pairing: { fr: 'Appairage…', en: 'Pairing…' },
  pairedWith: { fr: 'Appairée avec {place}', en: 'Paired with {place}' },
  // locked
  tapCashier: { fr: 'Badgez votre carte caissier', en: 'Tap your cashier card' },
  notCashier: { fr: "Cette carte n'est pas une carte caissier de ce lieu", en: 'This card is not a cashier card of this place' },
  lastClose: { fr: 'Dernière clôture', en: 'Last close' },
  // sale
  amount: { fr: 'Montant', en: 'Amount' },
  freeAmount: { fr: 'Montant libre', en: 'Free amount' },
  total: { fr: 'Total', en: 'Total' },
  charge: { fr: 'Encaisser', en: 'Charge' },
  clear: { fr: 'Effacer', en: 'Clear' },
  emptyTicket: { fr: 'Touchez un produit ou tapez un montant', en: 'Touch a product or type an amount' },
  noCatalogue: { fr: "Pas de produits : le hub n'en a pas envoyé (fedow products)", en: 'No products: the hub sent none (fedow products)' },
  other: { fr: 'Divers', en: 'Other' },
  tapCard: { fr: 'Badgez la carte', en: 'Tap the card' },
  tapCardFor: { fr: 'Badgez la carte — {what}', en: 'Tap the card — {what}' },
  cancel: { fr: 'Annuler', en: 'Cancel' },
  approved: { fr: 'ACCEPTÉ', en: 'APPROVED' },
  declined: { fr: 'REFUSÉ', en: 'DECLINED' },
  newBalance: { fr: 'Nouveau solde', en: 'New balance' },
  missing: { fr: 'Manque', en: 'Missing' },
  offlineApproval: { fr: 'accepté hors ligne', en: 'approved offline' },
  touchToContinue: { fr: 'Touchez ou appuyez sur une touche pour continuer', en: 'Touch or press any key to continue' },
  // top-up
  payment: { fr: 'Paiement', en: 'Payment' },
  cash: { fr: 'Espèces', en: 'Cash' },
  bankCard: { fr: 'Carte bancaire', en: 'Bank card' },
  topUpAction: { fr: 'Recharger', en: 'Top up' },
  // check
  checkTitle: { fr: 'Vérifier une carte', en: 'Check a card' },
  member: { fr: 'Adhérent', en: 'Member' },
  anonymous: { fr: 'Carte anonyme', en: 'Anonymous card' },
  unknown: { fr: 'Carte inconnue', en: 'Unknown card' },
  blocked: { fr: 'Carte bloquée', en: 'Card blocked' },
  lost: { fr: 'Carte perdue', en: 'Lost card' },
  balances: { fr: 'Soldes', en: 'Balances' },
  noBalance: { fr: 'Aucun solde', en: 'No balance' },
  memberships: { fr: 'Adhésions', en: 'Memberships' },
  validUntil: { fr: "valide jusqu'au {date}", en: 'valid until {date}' },
  expired: { fr: 'expirée le {date}', en: 'expired on {date}' },
  recent: { fr: 'Dernières opérations à cette caisse', en: 'Last operations at this till' },
  pendingSync: { fr: 'à synchroniser', en: 'to sync' },
  checkAgain: { fr: 'Vérifier une autre carte', en: 'Check another card' },
  // refund
  refundTitle: { fr: 'Remboursement', en: 'Refund' },
  refundNeedsHub: { fr: 'Les remboursements nécessitent le réseau', en: 'Refunds need the network' },
  refundMode: { fr: 'Rembourser le solde', en: 'Refund the balance' },
  voidMode: { fr: 'Annuler la carte (vider et détacher)', en: 'Void the card (empty and detach)' },
  willRefund: { fr: 'Sera remboursé', en: 'Will be refunded' },
  nothingToRefund: { fr: 'Rien à rembourser', en: 'Nothing to refund' },
  confirm: { fr: 'Confirmer', en: 'Confirm' },
  start: { fr: 'Commencer', en: 'Start' },
  // membership, badge
  chooseAsset: { fr: 'Choisissez', en: 'Choose' },
  noMembership: { fr: "Ce lieu n'a pas d'adhésion", en: 'This place has no membership' },
  sell: { fr: 'Vendre', en: 'Sell' },
  noBadge: { fr: "Ce lieu n'a pas de badge", en: 'This place has no badge' },
  badgeOn: { fr: 'Mode badge : chaque carte badgée est un passage', en: 'Badge mode: every tap is a passage' },
  badgeStart: { fr: 'Démarrer le mode badge', en: 'Start badge mode' },
  badgeStop: { fr: 'Arrêter', en: 'Stop' },
  passage: { fr: 'Passage', en: 'Passage' },
  // close register
  closeTitle: { fr: 'Clôture de caisse', en: 'Close register' },
  sessionSince: { fr: 'Session ouverte le {date}', en: 'Session opened {date}' },
  operations: { fr: 'Opérations', en: 'Operations' },
  kind: { fr: 'Opération', en: 'Operation' },
  asset: { fr: 'Monnaie', en: 'Currency' },
  count: { fr: 'Nombre', en: 'Count' },
  taken: { fr: 'Encaissé par moyen de paiement', en: 'Taken per payment method' },
  print: { fr: 'Imprimer', en: 'Print' },
  closeRegister: { fr: 'Clôturer la caisse', en: 'Close the register' },
  closed: { fr: 'Caisse clôturée', en: 'Register closed' },
  nothingYet: { fr: 'Aucune opération', en: 'No operation yet' },
  // kinds
  SAL: { fr: 'Vente', en: 'Sale' },
  REF: { fr: 'Recharge', en: 'Top-up' },
  SUB: { fr: 'Adhésion', en: 'Membership' },
  BDG: { fr: 'Badge', en: 'Badge' },
  RFD: { fr: 'Remboursement', en: 'Refund' },
  VID: { fr: 'Annulation de carte', en: 'Card void' },
  SHO: { fr: 'Ouverture du service', en: 'Shift opened' },
  SHC: { fr: 'Clôture du service', en: 'Shift closed' },
  // cashier shifts (the cash drawer)
  shift: { fr: 'Service de caisse', en: 'Cash shift' },
  shiftNone: { fr: 'Aucun service ouvert : comptez le fond de caisse', en: 'No shift open: count the float' },
  shiftFloat: { fr: 'Fond de caisse', en: 'Float' },
  shiftOpenSince: { fr: 'Service ouvert le {date}', en: 'Shift open since {date}' },
  shiftOpen: { fr: 'Ouvrir le service', en: 'Open the shift' },
  shiftClose: { fr: 'Clôturer le service', en: 'Close the shift' },
  shiftExpected: { fr: 'Espèces attendues', en: 'Cash expected' },
  shiftCounted: { fr: 'Espèces comptées', en: 'Cash counted' },
  shiftTotalOnly: { fr: 'ou total seul', en: 'or total only' },
  shiftCountHelp: { fr: 'Nombre de billets et de pièces', en: 'Notes and coins, how many of each' },
  shiftMissing: { fr: 'Il manque {amount}', en: '{amount} missing' },
  shiftOver: { fr: '{amount} en trop', en: '{amount} over' },
  shiftExact: { fr: 'La caisse est juste', en: 'The cash adds up' },
  shiftClosedTitle: { fr: 'Service clôturé', en: 'Shift closed' },
  shift_open: { fr: 'Un service est déjà ouvert', en: 'A shift is already open' },
  no_shift: { fr: 'Aucun service ouvert', en: 'No shift is open' },
  // keys help
  keys: {
    fr: 'F1–F7 écrans · F8 verrouiller · F9 langue · F10 service · chiffres : montant · lettres : boutons · ← → paiement · Entrée valider · Échap annuler',
    en: 'F1–F7 screens · F8 lock · F9 language · F10 shift · digits: amount · letters: buttons · ← → payment · Enter confirm · Esc cancel',
  },
} satisfies Record<string, Record<Language, string>>;

export type WordKey = keyof typeof WORDS;

export function t(language: Language, key: WordKey, values: Record<string, string> = {}): string {
  return WORDS[key][language].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

/** Kinds of journal entries by their code (SAL, REF, …), for totals and recent operations. */
export function kindWord(language: Language, kind: string): string {
  // Safe: `kind in WORDS` was checked just before.
  return kind in WORDS ? t(language, kind as WordKey) : kind;
}
