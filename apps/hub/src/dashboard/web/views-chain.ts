/** The latest blocks, the last verification and a button to run one, with its progress. */
import type { ChainReport, StreamEvents, VerifyState } from '../views';
import { api, ApiError } from './api';
import { h, replace } from '../../web/dom';
import { dateTime, since } from './format';
import { t } from './i18n';
import type { View } from './state';

const PHASES: VerifyState['phase'][] = ['transfers', 'balances', 'entries', 'debts'];

/** Overall progress: each of the four phases is a quarter of the bar. */
function fraction(state: VerifyState): number {
  const phase = PHASES.indexOf(state.phase);
  const within = state.total > 0 ? Math.min(1, state.done / state.total) : 0;
  return (Math.max(0, phase) + within) / PHASES.length;
}

export class ChainView implements View {
  readonly topics = ['chain'] as const;
  readonly element = h('section', { class: 'view' });
  private readonly progress = h('progress', { id: 'verify-progress', max: 1, value: 0, hidden: true });
  private readonly progressText = h('span', { class: 'progress-text' });
  private readonly button = h('button', { id: 'verify-run', type: 'button', onclick: () => void this.run() }, t('verifyRun'));
  private readonly result = h('div', { id: 'verify-result' });

  /** Only an admin runs a verification (the hub refuses others): the button is not offered to them. */
  constructor(private readonly canVerify = true) {}

  async refresh(): Promise<void> {
    const report = await api<ChainReport>('chain');
    this.showLast(report);
    if (report.running) this.verify(report.running);
    else this.idle();
    replace(
      this.element,
      h('h2', {}, t('chain')),
      h('div', { class: 'panel verify' }, h('h3', {}, t('lastVerify')), this.result, h('div', { class: 'verify-actions' }, this.canVerify ? this.button : null, this.progress, this.progressText)),
      h('h3', {}, t('blocks')),
      h('p', { class: 'muted', id: 'unsealed' }, `${report.unsealed} ${t('unsealed')}`),
      h(
        'table',
        { class: 'blocks responsive', id: 'blocks' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, t('height')), h('th', { scope: 'col', class: 'num' }, t('transfers')), h('th', { scope: 'col' }, t('sealedAt')), h('th', { scope: 'col' }, t('blockHash')))),
        h(
          'tbody',
          {},
          ...report.blocks.map((block) =>
            h(
              'tr',
              { 'data-height': block.height },
              h('th', { scope: 'row', class: 'num', 'data-label': t('height') }, String(block.height)),
              h('td', { class: 'num', 'data-label': t('transfers') }, String(block.transfers)),
              h('td', { 'data-label': t('sealedAt') }, dateTime(block.sealedAt), ' · ', since(block.sealedAt)),
              h('td', { class: 'hash', 'data-label': t('blockHash') }, block.hash.slice(0, 16), '…'),
            ),
          ),
        ),
      ),
    );
  }

  private showLast(report: ChainReport): void {
    const last = report.lastVerify;
    if (!last) return replace(this.result, h('p', { class: 'muted' }, t('verifyNever')));
    if (last.ok === null) return replace(this.result, h('p', {}, t('verifyRunning')));
    this.result.dataset.ok = String(last.ok);
    replace(
      this.result,
      h('span', { class: `badge big ${last.ok ? 'state-online' : 'state-offline'}` }, last.ok ? '✓ OK' : `✗ ${t('verifyFailed')}`),
      ' ',
      last.ok ? t('verifyOk') : (last.firstDiscrepancy ?? ''),
      h('p', { class: 'muted' }, `${last.transfersChecked} ${t('checked')} · `, dateTime(last.finishedAt ?? last.startedAt)),
    );
  }

  private async run(): Promise<void> {
    this.verify({ phase: 'transfers', done: 0, total: 0 });
    try {
      await api('verify', { method: 'POST', body: {} });
    } catch (error) {
      // 409: a run started elsewhere is already streaming its progress here.
      if (!(error instanceof ApiError && error.status === 409)) {
        this.idle();
        replace(this.result, h('span', { class: 'bad' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  }

  verify(state: VerifyState): void {
    this.button.disabled = true;
    this.button.textContent = t('verifyRunning');
    this.progress.hidden = false;
    this.progress.value = fraction(state);
    this.progressText.textContent = `${state.phase} ${state.done}/${state.total}`;
    delete this.result.dataset.ok;
  }

  verifyDone(_event: StreamEvents['verify-done']): void {
    this.progress.value = 1;
    // The result is in verify_runs: refresh shows it as stored.
    void this.refresh();
  }

  private idle(): void {
    this.button.disabled = false;
    this.button.textContent = t('verifyRun');
    this.progress.hidden = true;
    this.progressText.textContent = '';
  }
}
