/** Melting currency: per local or time currency, its rule (set, preview, stop), melt revenue per month and the survival curve. */
import type { MeltRule } from '@fedow/protocol';
import type { MeltAssetView } from '../melt-routes';
import type { AssetInfo } from '../views';
import { api } from './api';
import { h, replace, svg } from '../../web/dom';
import { money } from './format';
import { t } from './i18n';
import type { Directory, View } from './state';

const CHART_WIDTH = 360;
const CHART_HEIGHT = 120;

export class MeltView implements View {
  readonly topics = ['money'] as const;
  readonly element = h('section', { class: 'view', id: 'melt' });

  constructor(
    private readonly directory: () => Directory,
    private readonly admin: boolean,
  ) {}

  async refresh(): Promise<void> {
    const page = await api<{ assets: MeltAssetView[] }>('melt');
    replace(this.element, h('h2', {}, t('melt')), ...page.assets.map((view) => this.assetSection(view)));
  }

  private assetSection(view: MeltAssetView): HTMLElement {
    const asset = this.directory().assets.get(view.asset);
    return h(
      'article',
      { class: 'melt-asset', 'data-asset': view.asset },
      h('h3', {}, asset ? `${asset.name} (${asset.code})` : view.asset),
      h('p', { class: 'melt-policy', 'data-rule': view.policy?.rule?.rule ?? 'none' }, view.policy?.rule ? `${ruleText(view.policy.rule, asset)} — ${t('since')} ${view.policy.since.slice(0, 10)}` : t('meltNone')),
      this.ruleForm(view, asset),
      h('h4', {}, t('meltRevenue')),
      revenueTable(view, asset),
      h('h4', {}, t('meltSurvival')),
      survivalChart(view),
    );
  }

  private ruleForm(view: MeltAssetView, asset: AssetInfo | undefined): HTMLElement {
    const kind = h('select', { name: 'rule' }, ...(['rate', 'fixed', 'expiry'] as const).map((rule) => h('option', { value: rule }, t(rule === 'rate' ? 'meltRate' : rule === 'fixed' ? 'meltFixed' : 'meltExpiry'))));
    const first = h('input', { name: 'first', type: 'number', min: '1', value: '2', 'aria-label': `${t('meltPercent')} / ${t('meltAmount')}` });
    const second = h('input', { name: 'second', type: 'number', min: '1', value: '30', 'aria-label': `${t('meltAfterDays')} / ${t('meltAfterMonths')}` });
    const result = h('p', { class: 'melt-result', role: 'status' });
    const rule = (): MeltRule => {
      const a = Number(first.value);
      const b = Number(second.value);
      if (kind.value === 'rate') return { rule: 'rate', basisPoints: Math.round(a * 100), afterDays: b };
      if (kind.value === 'fixed') return { rule: 'fixed', amount: Math.round(a * 10 ** (asset?.decimals ?? 0)), afterMonths: b };
      return { rule: 'expiry', afterMonths: b };
    };
    const act = (path: string, method: string, body: unknown, done: (answer: any) => string) => async () => {
      try {
        result.textContent = done(await api(path, { method, body }));
      } catch (error) {
        result.textContent = `${t('error')}: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    const preview = h('button', { type: 'button', class: 'melt-preview', onclick: () => void act(`melt/${view.asset}/preview`, 'POST', { rule: rule() }, (answer) => `${t('meltWouldTake')} ${money(answer.taken, asset)} (${answer.balances} ${t('meltBalances')})`)() }, t('meltPreview'));
    const set = this.admin ? h('button', { type: 'button', class: 'melt-set', onclick: () => void act(`melt/${view.asset}`, 'PUT', { rule: rule() }, () => ruleText(rule(), asset))() }, t('meltSet')) : null;
    const stop = this.admin && view.policy ? h('button', { type: 'button', class: 'melt-stop small', onclick: () => void act(`melt/${view.asset}`, 'PUT', { rule: null }, () => t('meltNone'))() }, t('meltStop')) : null;
    return h('form', { class: 'melt-form', onsubmit: (event: Event) => event.preventDefault() }, h('label', {}, t('meltRule'), kind), first, second, preview, set, stop, result);
  }
}

function ruleText(rule: MeltRule, asset: AssetInfo | undefined): string {
  switch (rule.rule) {
    case 'rate':
      return `${(rule.basisPoints / 100).toFixed(2)} % / ${t('meltMonths').toLowerCase()} — ${t('meltAfterDays')} ${rule.afterDays}`;
    case 'fixed':
      return `${money(rule.amount, asset)} / ${t('meltMonths').toLowerCase()} — ${t('meltAfterMonths')} ${rule.afterMonths}`;
    case 'expiry':
      return `${t('meltExpiry')} — ${rule.afterMonths}`;
  }
}

function revenueTable(view: MeltAssetView, asset: AssetInfo | undefined): HTMLElement {
  if (view.report.revenue.length === 0) return h('p', { class: 'muted' }, t('meltNothing'));
  return h(
    'table',
    { class: 'melt-revenue' },
    h('tbody', {}, ...view.report.revenue.map((row) => h('tr', { 'data-period': row.period }, h('th', { scope: 'row' }, row.period), h('td', { class: 'num', 'data-value': row.amount }, money(row.amount, asset))))),
  );
}

/** The survival curve: share of top-ups still unspent N months after they were made. */
function survivalChart(view: MeltAssetView): SVGElement {
  const points = view.report.survival.filter((point) => point.toppedUp > 0);
  const chart = svg('svg', { viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT + 16}`, class: 'chart melt-survival', role: 'img', 'aria-label': t('meltSurvival') });
  chart.appendChild(svg('line', { x1: 0, y1: CHART_HEIGHT, x2: CHART_WIDTH, y2: CHART_HEIGHT, class: 'axis' }));
  const months = Math.max(1, view.report.survival.length - 1);
  const xy = points.map((point) => [(point.month / months) * CHART_WIDTH, CHART_HEIGHT - (point.unspent / point.toppedUp) * CHART_HEIGHT] as const);
  chart.appendChild(svg('polyline', { points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), class: 'line', fill: 'none', stroke: 'currentColor' }));
  for (const [index, point] of points.entries()) {
    const circle = svg('circle', { cx: xy[index]![0], cy: xy[index]![1], r: 3, 'data-month': point.month, 'data-share': (point.unspent / point.toppedUp).toFixed(4) });
    circle.appendChild(svg('title', {}, `${point.month} ${t('meltMonths').toLowerCase()}: ${((100 * point.unspent) / point.toppedUp).toFixed(1)} % ${t('meltUnspent').toLowerCase()}`));
    chart.appendChild(circle);
  }
  return chart;
}
