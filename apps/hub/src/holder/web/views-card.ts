import { api, ApiFailure, refusalText } from './api';
import { h, replace } from '../../web/dom';
import { language, t } from './i18n';
import { balancesSection, header, historySection, notice, timeSpentSection, type WalletView } from './views-common';

interface CardPage extends WalletView {
  linked: boolean;
  timeSpent?: { day: string; place: string; asset: string; minutes: number }[];
}

/** /qr/<uuid>: readable without an account; offers the e-mail link when the hub can send mail. */
export async function showCard(root: HTMLElement, qrcode: string): Promise<void> {
  const redraw = () => void showCard(root, qrcode);
  let page: CardPage;
  try {
    page = await api<CardPage>('GET', `/cards/${encodeURIComponent(qrcode)}`);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) return replace(root, header(t().title, redraw), notice('not-found', t().notFound, 'bad'));
    throw error;
  }
  const config = await api<{ email: boolean }>('GET', '/config');
  replace(root, header(t().title, redraw), balancesSection(page), config.email ? linkForm(qrcode, page.linked) : h('p', { class: 'muted', id: 'no-email' }, t().noEmail), historySection(page), timeSpentSection(page.timeSpent ?? []));
}

function linkForm(qrcode: string, linked: boolean): HTMLElement {
  const words = t();
  const status = h('div', { id: 'link-status' });
  const email = h('input', { id: 'link-email', type: 'email', autocomplete: 'email', required: true });
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api('POST', '/links', { email: email.value, qrcode, language: language() });
      replace(status, notice('link-sent', words.linkSent));
    } catch (error) {
      replace(status, notice('link-error', `${words.error} ${refusalText(error, words.errors)}`, 'bad'));
    }
  };
  return h(
    'section',
    { id: 'link' },
    h('h2', {}, linked ? words.signInTitle : words.linkTitle),
    h('p', { class: 'muted' }, words.linkHint),
    h('form', { id: 'link-form', onsubmit: submit }, h('label', { for: 'link-email' }, words.email), email, h('button', { type: 'submit', id: 'send-link' }, words.sendLink)),
    status,
    h('p', {}, h('a', { href: '/qr/account', id: 'to-account' }, words.myAccount)),
  );
}
