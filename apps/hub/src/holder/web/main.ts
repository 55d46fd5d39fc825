import { api, ApiFailure } from './api';
import { replace } from '../../web/dom';
import { language, setLanguage, t } from './i18n';
import { notice } from './views-common';
import { showAccount } from './views-account';
import { showCard } from './views-card';

/** The page's three places: /qr/login#<secret>, /qr/account, /qr/<card's QR code>. */
async function start(root: HTMLElement): Promise<void> {
  setLanguage(language());
  const path = location.pathname.replace(/\/+$/, '');
  if (path === '/qr/login') return signIn(root);
  if (path === '/qr/account') return showAccount(root, new URLSearchParams(location.search).get('topup') === 'done' ? t().topUpDone : null);
  return showCard(root, decodeURIComponent(path.slice('/qr/'.length)));
}

/** Spends the e-mailed link once, then forgets it from the address bar and opens the account. */
async function signIn(root: HTMLElement): Promise<void> {
  const secret = location.hash.slice(1);
  history.replaceState(null, '', '/qr/login');
  replace(root, notice('signing-in', t().signingIn));
  try {
    const followed = await api<{ qrcode: string | null; refused: string | null }>('POST', '/login', { token: secret });
    history.replaceState(null, '', '/qr/account');
    await showAccount(root, followed.refused === null ? null : `${t().cardNotLinked} ${followed.refused}`);
  } catch (error) {
    replace(root, notice('link-refused', error instanceof ApiFailure ? `${t().linkRefused} (${error.message})` : t().linkRefused, 'bad'));
  }
}

const root = document.getElementById('app');
if (root) {
  start(root).catch((error: unknown) => replace(root, notice('failure', `${t().error} ${(error as Error).message}`, 'bad')));
}
