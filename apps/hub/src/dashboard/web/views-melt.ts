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
  /**
   * Each asset's section, kept across live refreshes: every sale changes money, and a rule
   * form made again would put its defaults back under what the operator typed, or take a
   * click between its press and its release. A refresh redraws the figures in place; the
   * form only when what it offers changed (the rule in force, the asset), keeping the
   * answer to the last action.
   */
  private readonly sections = new Map<string, AssetSection>();
  /** The assets shown, in order (null: nothing drawn yet): the sections are put in place again only when it changes. */
  private order: string | null = null;

  constructor(
    private readonly directory: () => Directory,
    private readonly admin: boolean,
  ) {}

  async refresh(): Promise<void> {
    const page = await api<{ assets: MeltAssetView[] }>('melt');
    const sections = page.assets.map((view) => this.section(view));
    const order = page.assets.map((view) => view.asset).join(' ');
    if (order === this.order) return;
    this.order = order;
    for (const asset of this.sections.keys()) if (!page.assets.some((view) => view.asset === asset)) this.sections.delete(asset);
    replace(this.element, h('h2', {}, t('melt')), ...sections);
  }

  private section(view: MeltAssetView): HTMLElement {
    const asset = this.directory().assets.get(view.asset);
    let section = this.sections.get(view.asset);
    if (!section) {
      const slots = { head: h('h3', {}), policy: h('div', {}), form: h('div', {}), revenue: h('div', {}), survival: h('div', {}) };
      const article = h('article', { class: 'melt-asset', 'data-asset': view.asset }, slots.head, slots.policy, slots.form, h('h4', {}, t('meltRevenue')), slots.revenue, h('h4', {}, t('meltSurvival')), slots.survival);
      section = { article, slots, offers: null, result: h('p', { class: 'melt-result', role: 'status' }) };
      this.sections.set(view.asset, section);
    }
    const { slots } = section;
    slots.head.textContent = asset ? `${asset.name} (${asset.code})` : view.asset;
    replace(slots.policy, h('p', { class: 'melt-policy', 'data-rule': view.policy?.rule?.rule ?? 'none' }, view.policy?.rule ? `${ruleText(view.policy.rule, asset)} — ${t('since')} ${view.policy.since.slice(0, 10)}` : t('meltNone')));
    const offers = JSON.stringify([view.policy, asset ?? null]);
    if (section.offers !== offers) {
      section.offers = offers;
      replace(slots.form, this.ruleForm(view, asset, section.result));
    }
    replace(slots.revenue, revenueTable(view, asset));
    replace(slots.survival, survivalChart(view));
    return section.article;
  }

  private ruleForm(view: MeltAssetView, asset: AssetInfo | undefined, result: HTMLElement): HTMLElement {
    const kind = h('select', { name: 'rule' }, ...(['rate', 'fixed', 'expiry'] as const).map((rule) => h('option', { value: rule }, t(rule === 'rate' ? 'meltRate' : rule === 'fixed' ? 'meltFixed' : 'meltExpiry'))));
    const first = h('input', { name: 'first', type: 'number', min: '1', value: '2', 'aria-label': `${t('meltPercent')} / ${t('meltAmount')}` });
    const second = h('input', { name: 'second', type: 'number', min: '1', value: '30', 'aria-label': `${t('meltAfterDays')} / ${t('meltAfterMonths')}` });
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

interface AssetSection {
  article: HTMLElement;
  slots: Record<'head' | 'policy' | 'form' | 'revenue' | 'survival', HTMLElement>;
  /** What the form in place offers (`ruleForm` is made again when it changes). */
  offers: string | null;
  /** The answer to the last action, kept when the form is made again. */
  result: HTMLElement;
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
