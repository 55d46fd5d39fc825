/** A factory CSV of cards imported from the dashboard, with its progress and the CLI's line-numbered errors. */
import type { CardImportJob } from '../card-import';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { t } from './i18n';

/** How often the page asks how far an import went. */
const POLL_MS = 250;

export function cardImportPanel(places: readonly { id: string; name: string }[]): HTMLElement {
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', required: true });
  const place = h('select', { id: 'import-place', required: true }, h('option', { value: '' }, t('choosePlace')), ...places.map((row) => h('option', { value: row.id }, row.name)));
  const generation = h('input', { id: 'import-generation', type: 'number', min: 1, value: 1, required: true });
  const primary = h('input', { id: 'import-primary', type: 'checkbox' });
  const status = h('div', { id: 'import-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'import-submit' }, t('importCards'));
  const start = async (event: Event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    submit.disabled = true;
    try {
      const query = new URLSearchParams({ place: place.value, generation: generation.value, primary: String(primary.checked) });
      const response = await fetch(`/dashboard/api/setup/cards/import?${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: await chosen.text(), credentials: 'same-origin' });
      const answer = (await response.json()) as CardImportJob | { error: { message: string } };
      if ('error' in answer && !('id' in answer)) return replace(status, h('p', { class: 'bad', role: 'alert' }, `${t('error')}: ${answer.error.message}`));
      // Accepted (202): the answer is the job (card-import.ts).
      await follow((answer as CardImportJob).id, status);
    } finally {
      submit.disabled = false;
    }
  };
  const label = (word: Parameters<typeof t>[0], input: HTMLElement) => h('label', { class: 'setup-field' }, t(word), input);
  return h(
    'div',
    { class: 'panel' },
    h('h3', {}, t('cardImport')),
    h('form', { class: 'inline-form setup-form', id: 'import-form', onsubmit: (event: Event) => void start(event) }, label('csvFile', file), label('place', place), label('generation', generation), label('allPrimary', primary), submit),
    status,
  );
}

/** Polls the import until it has a batch or a refusal; bounded by the hub, which always ends an import. */
async function follow(id: string, status: HTMLElement): Promise<void> {
  status.dataset.job = id;
  for (;;) {
    const job = await api<CardImportJob>(`setup/cards/import/${id}`);
    if (job.error) return replace(status, h('p', { class: 'bad', role: 'alert', id: 'import-error', 'data-line': job.error.line ?? '' }, `${t('error')}: ${job.error.message}`));
    if (job.result) return replace(status, h('p', { class: 'good', role: 'status', id: 'import-done', 'data-imported': job.result.imported }, `${job.result.imported} ${t('cardsImported')}`));
    replace(status, h('progress', { id: 'import-progress', max: Math.max(1, job.total), value: job.done }), ` ${job.done} / ${job.total}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
