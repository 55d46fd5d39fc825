/** The card holder's page in French and English: the browser's language first, switchable. */
export type Language = 'en' | 'fr';

const WORDS = {
  en: {
    title: 'My card',
    account: 'My account',
    balances: 'Balance',
    nothing: 'Nothing on this card yet.',
    history: 'Last transactions',
    noHistory: 'No transaction yet.',
    membership: 'Membership valid until',
    membershipOver: 'Membership expired on',
    debt: 'This card is in debt: it is refused at the bars until the debt is paid at the welcome desk.',
    notFound: 'No card here. Check the address printed on your card.',
    linkTitle: 'Link this card to my e-mail',
    signInTitle: 'Sign in to my account',
    linkHint: 'We send you a link valid for 15 minutes. Following it opens your account, from which you can top up, transfer, pay by QR code and declare the card lost.',
    email: 'E-mail address',
    sendLink: 'Send me the link',
    linkSent: 'If this address may sign in to this card, a link is on its way. Check your inbox.',
    noEmail: 'This hub sends no e-mail: ask at the welcome desk.',
    signingIn: 'Signing in…',
    linkRefused: 'This link no longer works: ask for a new one.',
    cardNotLinked: 'Signed in, but the card could not be linked:',
    cards: 'My cards',
    lost: 'Declare lost',
    lostConfirm: 'Declare this card lost? It will be refused everywhere; your money stays in your account.',
    isLost: 'lost',
    payTitle: 'Pay by QR code',
    payShow: 'Show my payment code',
    payHint: 'Show this code at the till: it is valid for one payment, for 60 seconds.',
    payExpired: 'Expired: show a new one.',
    secondsLeft: 's left',
    topUpTitle: 'Top up online',
    amount: 'Amount',
    topUp: 'Pay by card',
    topUpDone: 'Payment received: your balance is updated.',
    payoutTitle: 'Get my leftovers back',
    iban: 'IBAN',
    holderName: 'Account holder',
    payout: 'Ask for the transfer',
    payoutAsked: 'Your payout request is recorded: the organisers send it by bank transfer.',
    transferTitle: 'Send money to someone',
    to: 'Their e-mail, or their card’s QR code',
    asset: 'Currency',
    send: 'Send',
    codeSent: 'We e-mailed you a 6-digit code. Type it to confirm:',
    code: 'Code',
    confirm: 'Confirm',
    transferDone: 'Sent.',
    dailyLimit: 'Daily limit',
    transfersBlocked: 'Transfers from this account are blocked: ask at the welcome desk.',
    signOut: 'Sign out',
    myAccount: 'Open my account',
    badAmount: 'Type an amount, such as 12.50.',
    error: 'Refused:',
    actions: { FST: 'Opening', CRE: 'Creation', REF: 'Top-up', SAL: 'Purchase', QRS: 'QR payment', SUB: 'Membership', BDG: 'Badge', FUS: 'Card linked to the account', RFD: 'Refund', BNK: 'Bank deposit', COR: 'Correction', TRF: 'Transfer' } as Record<string, string>,
    at: 'at',
    from: 'from',
    toWord: 'to',
  },
  fr: {
    title: 'Ma carte',
    account: 'Mon compte',
    balances: 'Solde',
    nothing: 'Rien sur cette carte pour l’instant.',
    history: 'Dernières opérations',
    noHistory: 'Aucune opération.',
    membership: 'Adhésion valable jusqu’au',
    membershipOver: 'Adhésion expirée le',
    debt: 'Cette carte a une dette : elle est refusée aux bars jusqu’au règlement à l’accueil.',
    notFound: 'Aucune carte ici. Vérifiez l’adresse imprimée sur votre carte.',
    linkTitle: 'Relier cette carte à mon e-mail',
    signInTitle: 'Me connecter à mon compte',
    linkHint: 'Nous vous envoyons un lien valable 15 minutes. Le suivre ouvre votre compte : recharge, virement, paiement par QR code, carte perdue.',
    email: 'Adresse e-mail',
    sendLink: 'Recevoir le lien',
    linkSent: 'Si cette adresse peut se connecter à cette carte, un lien arrive. Regardez votre boîte de réception.',
    noEmail: 'Ce hub n’envoie pas d’e-mail : demandez à l’accueil.',
    signingIn: 'Connexion…',
    linkRefused: 'Ce lien ne marche plus : demandez-en un nouveau.',
    cardNotLinked: 'Connecté, mais la carte n’a pas pu être reliée :',
    cards: 'Mes cartes',
    lost: 'Déclarer perdue',
    lostConfirm: 'Déclarer cette carte perdue ? Elle sera refusée partout ; votre argent reste sur votre compte.',
    isLost: 'perdue',
    payTitle: 'Payer par QR code',
    payShow: 'Afficher mon code de paiement',
    payHint: 'Montrez ce code à la caisse : il vaut pour un paiement, pendant 60 secondes.',
    payExpired: 'Expiré : affichez-en un nouveau.',
    secondsLeft: ' s restantes',
    topUpTitle: 'Recharger en ligne',
    amount: 'Montant',
    topUp: 'Payer par carte',
    topUpDone: 'Paiement reçu : votre solde est à jour.',
    payoutTitle: 'Récupérer mon reste',
    iban: 'IBAN',
    holderName: 'Titulaire du compte',
    payout: 'Demander le virement',
    payoutAsked: 'Votre demande est enregistrée : les organisateurs l’envoient par virement.',
    transferTitle: 'Envoyer de l’argent à quelqu’un',
    to: 'Son e-mail, ou le QR code de sa carte',
    asset: 'Monnaie',
    send: 'Envoyer',
    codeSent: 'Nous vous avons envoyé un code à 6 chiffres par e-mail. Tapez-le pour confirmer :',
    code: 'Code',
    confirm: 'Confirmer',
    transferDone: 'Envoyé.',
    dailyLimit: 'Limite par jour',
    transfersBlocked: 'Les virements de ce compte sont bloqués : demandez à l’accueil.',
    signOut: 'Se déconnecter',
    myAccount: 'Ouvrir mon compte',
    badAmount: 'Tapez un montant, par exemple 12,50.',
    error: 'Refusé :',
    actions: { FST: 'Ouverture', CRE: 'Création', REF: 'Recharge', SAL: 'Achat', QRS: 'Paiement QR', SUB: 'Adhésion', BDG: 'Badge', FUS: 'Carte reliée au compte', RFD: 'Remboursement', BNK: 'Dépôt en banque', COR: 'Correction', TRF: 'Virement' } as Record<string, string>,
    at: 'à',
    from: 'de',
    toWord: 'à',
  },
} as const;

export type Words = (typeof WORDS)['en'];

let current: Language = initial();

function initial(): Language {
  const stored = localStorage.getItem('fedow-language');
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  localStorage.setItem('fedow-language', next);
  document.documentElement.lang = next;
}

export function t(): Words {
  return WORDS[current] as Words;
}
