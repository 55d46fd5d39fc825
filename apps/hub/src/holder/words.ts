/** The e-mails of the card holder's page, in French and English. */
export type MailLanguage = 'en' | 'fr';

export function linkMail(language: MailLanguage, url: string): { subject: string; text: string } {
  return language === 'fr'
    ? {
        subject: 'Fedow : votre lien de connexion',
        text: `Bonjour,\n\nPour relier votre carte à cette adresse e-mail et ouvrir votre compte, suivez ce lien (valable 15 minutes, une seule fois) :\n\n${url}\n\nSi vous n'avez rien demandé, ignorez ce message.\n`,
      }
    : {
        subject: 'Fedow: your sign-in link',
        text: `Hello,\n\nTo link your card to this e-mail address and open your account, follow this link (valid 15 minutes, once):\n\n${url}\n\nIf you asked for nothing, ignore this message.\n`,
      };
}

export function codeMail(language: MailLanguage, code: string, what: string): { subject: string; text: string } {
  return language === 'fr'
    ? {
        subject: `Fedow : code de confirmation ${code}`,
        text: `Bonjour,\n\nVotre code pour confirmer le transfert (${what}) :\n\n${code}\n\nIl est valable 5 minutes. Si vous n'avez pas demandé ce transfert, ne donnez ce code à personne.\n`,
      }
    : {
        subject: `Fedow: confirmation code ${code}`,
        text: `Hello,\n\nYour code to confirm the transfer (${what}):\n\n${code}\n\nIt is valid for 5 minutes. If you did not ask for this transfer, give this code to nobody.\n`,
      };
}
