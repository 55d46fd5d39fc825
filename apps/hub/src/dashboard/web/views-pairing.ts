/** Pairing codes for new tills, and the entries behind an alert. */
import type { EntryRow, PairingCode } from '../views';
import { api } from './api';
import { h, replace } from './dom';
import { dateTime, until } from './format';
import { reasonText, t } from './i18n';
import type { Directory, View } from './state';

export class PairingView implements View {
  readonly topics = [] as const;
  readonly element = h('section', { class: 'view' });
  private readonly shown = h('div', { id: 'pairing-result' });

  constructor(directory: Directory) {
    const place = h('select', { id: 'pairing-place', required: true }, ...directory.meta.places.map((row) => h('option', { value: row.id }, row.name)));
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
    replace(this.element, h('h2', {}, t('newCode')), form, this.shown);
  }

  async refresh(): Promise<void> {}

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
          h('p', { class: 'muted' }, t('pairingHint'), ' ', location.origin),
        ),
      );
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
                  h('td', { 'data-label': t('status') }, h('span', { class: `badge entry-${entry.status}` }, entry.status)),
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
