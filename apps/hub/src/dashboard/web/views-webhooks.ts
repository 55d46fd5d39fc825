/** Outgoing webhooks: the endpoints, the latest deliveries with every attempt, and "send again". */
import type { DeliveryView, EndpointView } from '../../notify/endpoints';
import type { WebhooksPage } from '../views';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { dateTime } from './format';
import { reasonText, t, type Word } from './i18n';
import { LastDrawn, type Directory, type View } from './state';

const STATUS_WORDS: Record<DeliveryView['status'], { word: Word; badge: string }> = {
  pending: { word: 'deliveryPending', badge: 'state-offline' },
  delivered: { word: 'deliveryDelivered', badge: 'state-online' },
  dead: { word: 'deliveryDead', badge: 'state-frozen' },
};

export class WebhooksView implements View {
  // Deliveries follow ingest and the sealer: refreshed with money and the chain.
  readonly topics = ['money', 'chain'] as const;
  readonly element = h('section', { class: 'view', id: 'webhooks' });
  private readonly message = h('p', { id: 'webhooks-message', role: 'status' });
  private readonly status = h(
    'select',
    { id: 'delivery-status', 'aria-label': t('status') },
    h('option', { value: '' }, t('allStatuses')),
    ...(['pending', 'delivered', 'dead'] as const).map((status) => h('option', { value: status }, t(STATUS_WORDS[status].word))),
  );

  private readonly drawn = new LastDrawn();

  constructor(private readonly directory: () => Directory) {
    this.status.addEventListener('change', () => void this.refresh());
  }

  async refresh(): Promise<void> {
    const query = this.status.value === '' ? '' : `?status=${this.status.value}`;
    const page = await api<WebhooksPage>(`webhooks${query}`);
    // Every sale says money changed.
    if (!this.drawn.changed(JSON.stringify(page), this.directory())) return;
    const urls = new Map(page.endpoints.map((endpoint) => [endpoint.id, endpoint.url]));
    replace(
      this.element,
      h('h2', {}, t('webhooks')),
      this.message,
      h('h3', {}, t('webhookEndpoints')),
      this.endpointsTable(page.endpoints),
      h('h3', {}, t('webhookDeliveries')),
      h('div', { class: 'inline-form' }, this.status),
      this.deliveriesTable(page.deliveries, urls),
    );
  }

  private endpointsTable(endpoints: EndpointView[]): HTMLElement {
    if (endpoints.length === 0) return h('p', { class: 'muted', id: 'no-endpoints' }, t('noEndpoints'));
    const place = (id: string | null) => (id === null ? t('everyPlace') : (this.directory().places.get(id)?.name ?? id));
    return h(
      'table',
      { class: 'responsive', id: 'endpoints' },
      h('thead', {}, h('tr', {}, h('th', {}, 'URL'), h('th', {}, t('place')), h('th', {}, t('events')), ...(['pending', 'delivered', 'dead'] as const).map((status) => h('th', { class: 'num' }, t(STATUS_WORDS[status].word))))),
      h(
        'tbody',
        {},
        ...endpoints.map((endpoint) =>
          h(
            'tr',
            { 'data-endpoint': endpoint.id },
            h('td', { 'data-label': 'URL', class: 'mono' }, endpoint.url),
            h('td', { 'data-label': t('place') }, place(endpoint.place)),
            h('td', { 'data-label': t('events') }, endpoint.events.join(', ')),
            ...(['pending', 'delivered', 'dead'] as const).map((status) => h('td', { 'data-label': t(STATUS_WORDS[status].word), class: 'num' }, String(endpoint.deliveries[status]))),
          ),
        ),
      ),
    );
  }

  private deliveriesTable(deliveries: DeliveryView[], urls: Map<string, string>): HTMLElement {
    if (deliveries.length === 0) return h('p', { class: 'muted', id: 'no-deliveries' }, t('noDeliveries'));
    return h(
      'table',
      { class: 'responsive', id: 'deliveries' },
      h('thead', {}, h('tr', {}, h('th', {}, t('at')), h('th', {}, 'URL'), h('th', {}, t('event')), h('th', {}, t('status')), h('th', {}, t('attempts')), h('th', {}, t('nextAttempt')), h('th', {}, ''))),
      h('tbody', {}, ...deliveries.map((delivery) => this.deliveryRow(delivery, urls.get(delivery.endpoint) ?? delivery.endpoint))),
    );
  }

  private deliveryRow(delivery: DeliveryView, url: string): HTMLElement {
    const { word, badge } = STATUS_WORDS[delivery.status];
    return h(
      'tr',
      { 'data-delivery': delivery.id, 'data-status': delivery.status },
      h('td', { 'data-label': t('at') }, dateTime(delivery.createdAt)),
      h('td', { 'data-label': 'URL', class: 'mono' }, url),
      h('td', { 'data-label': t('event') }, delivery.type),
      h('td', { 'data-label': t('status') }, h('span', { class: `badge ${badge}` }, t(word))),
      h('td', { 'data-label': t('attempts') }, attemptsDetails(delivery)),
      h('td', { 'data-label': t('nextAttempt') }, delivery.nextAttemptAt === null ? '—' : dateTime(delivery.nextAttemptAt)),
      h('td', { class: 'actions' }, delivery.status === 'pending' ? null : this.replayButton(delivery)),
    );
  }

  private replayButton(delivery: DeliveryView): HTMLElement {
    const button = h('button', { type: 'button', class: 'small replay' }, t('replay'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`webhook-deliveries/${delivery.id}/replay`, { method: 'POST', body: {} });
        this.say(`${t('replayed')}: ${delivery.type} ${delivery.messageId}`, false);
        await this.refresh();
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? String(error.code) : '';
        this.say(`${t('error')}: ${error instanceof Error ? error.message : String(error)}${code ? ` — ${reasonText(code)}` : ''}`, true);
        button.disabled = false;
      }
    });
    return button;
  }

  private say(text: string, bad: boolean): void {
    this.message.textContent = text;
    this.message.className = bad ? 'bad' : 'good';
  }
}

/** "3" that opens onto each attempt: when, the answer (or why none came), how long it took. */
function attemptsDetails(delivery: DeliveryView): HTMLElement {
  if (delivery.attemptLog.length === 0) return h('span', {}, String(delivery.attempts));
  return h(
    'details',
    { class: 'attempts' },
    h('summary', {}, String(delivery.attempts)),
    h(
      'ol',
      {},
      ...delivery.attemptLog.map((attempt) =>
        h('li', { 'data-status': attempt.status ?? 'none' }, `${dateTime(attempt.at)} · ${attempt.status ?? t('noAnswer')}${attempt.error ? ` · ${attempt.error}` : ''} · ${attempt.ms} ms`),
      ),
    ),
  );
}
