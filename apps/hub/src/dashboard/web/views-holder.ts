/** The card holders' page as operators steer it: a user's transfers (blocked, daily limit), and payouts opened. */
import { api } from './api';
import { h, replace } from '../../web/dom';
import { t } from './i18n';

interface TransferSettings {
  blocked: boolean;
  dailyMax: number;
  defaultDailyMax: number;
}

/** On a user's page: block their transfers or give them their own daily limit (admin). */
export function userTransfersPanel(email: string): HTMLElement {
  const panel = h('div', { class: 'panel', id: 'user-transfers' });
  const path = `users/${encodeURIComponent(email)}/transfers`;
  const draw = (settings: TransferSettings, note: string | null = null) => {
    const blocked = h('input', { type: 'checkbox', id: 'transfers-blocked', checked: settings.blocked });
    const limit = h('input', { id: 'transfers-limit', inputmode: 'numeric', value: settings.dailyMax === settings.defaultDailyMax ? '' : String(settings.dailyMax), placeholder: `${settings.defaultDailyMax} (${t('holderDefault')})` });
    const save = async (event: Event) => {
      event.preventDefault();
      const typed = limit.value.trim();
      try {
        draw(await api<TransferSettings>(path, { method: 'PUT', body: { blocked: blocked.checked, dailyMax: typed === '' ? null : Number(typed) } }), t('holderSaved'));
      } catch (error) {
        replace(status, h('p', { class: 'bad' }, (error as Error).message));
      }
    };
    const status = h('div', { id: 'transfers-status' }, note === null ? null : h('p', { class: 'good' }, note));
    replace(
      panel,
      h('h3', {}, t('holderTransfers')),
      h('form', { onsubmit: save }, h('label', {}, blocked, ' ', t('transfersBlocked')), h('label', { for: 'transfers-limit' }, t('dailyLimit')), limit, h('button', { type: 'submit', id: 'transfers-save' }, t('holderSave'))),
      status,
    );
  };
  void api<TransferSettings>(path).then((settings) => draw(settings));
  return panel;
}

/** On the users list: payouts of leftovers, opened by an admin after the event. */
export function holderPagePanel(): HTMLElement {
  const panel = h('div', { class: 'panel', id: 'holder-settings' });
  const draw = (settings: { payoutsOpen: boolean; email: boolean }) => {
    const open = h('input', { type: 'checkbox', id: 'payouts-open', checked: settings.payoutsOpen });
    open.addEventListener('change', () => void api<{ payoutsOpen: boolean }>('holder', { method: 'PUT', body: { payoutsOpen: open.checked } }).then((answer) => draw({ ...settings, ...answer })));
    replace(panel, h('h3', {}, t('holderPage')), h('label', {}, open, ' ', t('payoutsOpen')), settings.email ? null : h('p', { class: 'muted' }, t('holderNoEmail')));
  };
  void api<{ payoutsOpen: boolean; email: boolean }>('holder').then(draw);
  return panel;
}
