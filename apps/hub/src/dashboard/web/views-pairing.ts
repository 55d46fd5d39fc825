/** Pairing codes for new tills, and the entries behind an alert. */
import type { EntryRow, PairingCode, PairingInfo } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, until } from './format';
import { reasonText, t } from './i18n';
import type { Directory, View } from './state';

export class PairingView implements View {
  readonly topics = ['tills'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly shown = h('div', { id: 'pairing-result' });
  private readonly pending = h('div', { id: 'pairing-pending' });
  private readonly where = h('div', { id: 'hub-addresses' });
  private addresses: string[] = [];

  constructor(private readonly directory: Directory) {
    // Starts on no place: a code made for the wrong bar pairs a till there.
    const place = h('select', { id: 'pairing-place', required: true }, h('option', { value: '' }, t('choosePlace')), ...directory.meta.places.map((row) => h('option', { value: row.id }, row.name)));
    const name = h('input', { id: 'pairing-name', required: true, maxlength: 100, placeholder: 'Bar 1' });
    const form = h(
      'form',
      {
        class: 'panel stacked',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.create(place.value, name.value.trim());
        },
      },
      h('label', { for: 'pairing-place' }, t('place')),
      place,
      h('label', { for: 'pairing-name' }, t('tillName')),
      name,
      h('button', { type: 'submit', id: 'pairing-create' }, t('create')),
    );
    replace(this.element, h('h2', {}, t('newCode')), form, this.shown, this.where, h('h3', {}, t('pendingCodes')), this.pending);
  }

  /** Pending codes and the hub's addresses; a till that pairs (topic `tills`) takes its code off the list. */
  async refresh(): Promise<void> {
    const info = await api<PairingInfo>('pairing');
    this.addresses = info.addresses;
    replace(
      this.where,
      info.addresses.length === 0 ? null : h('p', { class: 'muted' }, t('hubAddress'), ' ', ...info.addresses.flatMap((address, index) => [index === 0 ? '' : ' · ', h('strong', { class: 'mono', 'data-address': address }, address)])),
      info.loopbackOnly ? h('p', { class: 'bad', id: 'hub-loopback' }, t('hubLoopbackOnly')) : null,
    );
    replace(
      this.pending,
      info.pending.length === 0
        ? h('p', { class: 'muted', id: 'no-pending' }, t('none'))
        : h(
            'table',
            { class: 'responsive', id: 'pending-codes' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('tillName')), h('th', { scope: 'col' }, t('place')), h('th', { scope: 'col' }, t('expiresIn')))),
            h(
              'tbody',
              {},
              ...info.pending.map((code) =>
                h(
                  'tr',
                  { 'data-place': code.place },
                  h('th', { scope: 'row', 'data-label': t('tillName') }, code.name),
                  h('td', { 'data-label': t('place') }, this.directory.places.get(code.place)?.name ?? code.place),
                  h('td', { 'data-label': t('expiresIn') }, until(code.expiresAt)),
                ),
              ),
            ),
          ),
    );
  }

  /** The address this page was opened at, unless it is this machine's own (127.0.0.1): then the hub's first LAN address. */
  private tillAddress(): string | null {
    const own = location.hostname === 'localhost' || location.hostname === '[::1]' || location.hostname.startsWith('127.');
    return own ? (this.addresses[0] ?? null) : location.origin;
  }

  private async create(place: string, name: string): Promise<void> {
    try {
      const code = await api<PairingCode>('pairing-codes', { method: 'POST', body: { place, name } });
      replace(
        this.shown,
        h(
          'div',
          { class: 'panel pairing' },
          h('p', { class: 'code', id: 'pairing-code' }, code.code),
          h('p', {}, code.name, ' · ', t('expiresIn'), ' ', until(code.expiresAt)),
          h('p', { class: 'muted', id: 'pairing-hint' }, t('pairingHint'), ' ', this.tillAddress() ?? ''),
        ),
      );
      await this.refresh();
    } catch (error) {
      replace(this.shown, h('p', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

export class EntriesView implements View {
  readonly topics = ['alerts'] as const;
  readonly element = h('section', { class: 'view' });

  constructor(private readonly query: string) {}

  async refresh(): Promise<void> {
    const { entries } = await api<{ entries: EntryRow[] }>(`entries?${this.query}`);
    replace(
      this.element,
      h('h2', {}, t('entries')),
      entries.length === 0
        ? h('p', { class: 'empty' }, t('noEntries'))
        : h(
            'table',
            { class: 'entries responsive', id: 'entries' },
            h('thead', {}, h('tr', {}, ...(['till', 'seq', 'status', 'reason', 'at', 'body'] as const).map((word) => h('th', { scope: 'col' }, t(word))))),
            h(
              'tbody',
              {},
              ...entries.map((entry) =>
                h(
                  'tr',
                  { 'data-entry': entry.id, 'data-status': entry.status },
                  h('th', { scope: 'row', 'data-label': t('till') }, entry.terminalName),
                  h('td', { 'data-label': t('seq'), class: 'num' }, String(entry.seq)),
                  h('td', { 'data-label': t('status') }, h('span', { class: `badge entry-${entry.status}` }, entry.status === 'applied' ? t('applied') : t('entryRejected'))),
                  h('td', { 'data-label': t('reason') }, reasonText(entry.reason)),
                  h('td', { 'data-label': t('at') }, dateTime(entry.receivedAt)),
                  h('td', { 'data-label': t('body') }, h('pre', { class: 'body' }, JSON.stringify(entry.body, null, 1))),
                ),
              ),
            ),
          ),
    );
  }
}
