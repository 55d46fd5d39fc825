/** A festival's setup without a terminal: places, assets, federations and products (issue 16, item 10). */
import type { AssetInfo } from '../views';
import { cardImportPanel } from './views-card-import';
import { api } from './api';
import { h, replace } from '../../web/dom';
import { money, parseMoney } from './format';
import { t, type Word } from './i18n';
import type { View } from './state';

interface PlaceRow {
  id: string;
  name: string;
  adminEmail: string | null;
  enrollUnknownCards: boolean;
}
interface AssetRow {
  id: string;
  name: string;
  currencyCode: string;
  category: AssetInfo['category'];
  decimals: number;
  placeOrigin: string | null;
  archived: boolean;
}
interface FederationRow {
  id: string;
  name: string;
  places: string[];
  assets: string[];
}
interface Setup {
  places: PlaceRow[];
  assets: AssetRow[];
  federations: FederationRow[];
}
interface ProductRow {
  id: string;
  label: string;
  price: number;
  assetId: string;
  category: string;
}

/** The categories an operator creates; FED exists once, made by the hub. */
const CATEGORIES = ['TLF', 'TNF', 'TIM', 'FID', 'BDG', 'SUB'] as const;

type Field = HTMLInputElement | HTMLSelectElement;

function field(label: Word, input: Field): HTMLElement {
  return h('label', { class: 'setup-field' }, t(label), input);
}

function choice(id: string, empty: Word, rows: readonly { id: string; name: string }[]): HTMLSelectElement {
  return h('select', { id, required: true }, h('option', { value: '' }, t(empty)), ...rows.map((row) => h('option', { value: row.id }, row.name)));
}

function table(id: string, headers: Word[], rows: (string | number)[][], keys: string[]): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted', id }, t('none'));
  return h(
    'table',
    { class: 'responsive', id },
    h('thead', {}, h('tr', {}, ...headers.map((word) => h('th', { scope: 'col' }, t(word))))),
    h('tbody', {}, ...rows.map((row, index) => h('tr', { 'data-id': keys[index] ?? '' }, ...row.map((cell, column) => (column === 0 ? h('th', { scope: 'row', 'data-label': t(headers[0]!) }, cell) : h('td', { 'data-label': t(headers[column]!) }, cell)))))),
  );
}

export class SetupView implements View {
  readonly topics = [] as const;
  readonly element = h('section', { class: 'view setup' });
  private readonly notice = h('div', { id: 'setup-notice', 'aria-live': 'polite' });
  private readonly products = h('div', { id: 'setup-products-list' });
  private setup: Setup = { places: [], assets: [], federations: [] };
  private productPlace = '';

  constructor(private readonly admin: boolean) {}

  async refresh(): Promise<void> {
    this.setup = await api<Setup>('setup');
    replace(this.element, h('h2', {}, t('setup')), this.notice, this.placesPanel(), this.assetsPanel(), this.federationsPanel(), this.productsPanel(), this.admin ? cardImportPanel(this.setup.places) : null);
    await this.showProducts();
  }

  /** Posts a form's body; the hub's refusal (a taken name, a shared currency code…) is shown as it words it. */
  private async send(path: string, body: unknown): Promise<void> {
    // The last answer is cleared first: a refusal left beside a new submission reads as its answer.
    replace(this.notice, h('p', { class: 'muted pending', role: 'status' }, t('setupSaving')));
    try {
      await api(`setup/${path}`, { method: 'POST', body });
      await this.refresh();
      replace(this.notice, h('p', { class: 'good', role: 'status' }, t('setupDone')));
    } catch (error) {
      replace(this.notice, h('p', { class: 'bad', role: 'alert' }, `${t('error')}: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private form(id: string, submit: () => void, ...children: HTMLElement[]): HTMLElement | null {
    if (!this.admin) return null;
    const onsubmit = (event: Event) => (event.preventDefault(), submit());
    return h('form', { class: 'inline-form setup-form', id, onsubmit }, ...children, h('button', { type: 'submit', id: `${id}-submit` }, t('create')));
  }

  private placeName(id: string | null): string {
    return this.setup.places.find((place) => place.id === id)?.name ?? '—';
  }

  private placesPanel(): HTMLElement {
    const name = h('input', { id: 'place-name', required: true, maxlength: 100 });
    const email = h('input', { id: 'place-email', type: 'email', required: true });
    const enroll = h('input', { id: 'place-enroll', type: 'checkbox' });
    const { places } = this.setup;
    return h(
      'div',
      { class: 'panel' },
      h('h3', {}, t('setupPlaces')),
      table('setup-places', ['name', 'adminEmail', 'enrollUnknown'], places.map((place) => [place.name, place.adminEmail ?? '—', place.enrollUnknownCards ? '✓' : '—']), places.map((place) => place.id)),
      this.form('place-form', () => void this.send('places', { name: name.value.trim(), email: email.value.trim(), enrollUnknownCards: enroll.checked }), field('name', name), field('adminEmail', email), field('enrollUnknown', enroll)),
    );
  }

  private assetsPanel(): HTMLElement {
    const name = h('input', { id: 'asset-name', required: true, maxlength: 100 });
    const code = h('input', { id: 'asset-code', required: true, maxlength: 3, autocapitalize: 'characters' });
    const category = h('select', { id: 'asset-category' }, ...CATEGORIES.map((value) => h('option', { value }, value)));
    const origin = choice('asset-origin', 'choosePlace', this.setup.places);
    const decimals = h('input', { id: 'asset-decimals', type: 'number', min: 0, max: 6, value: 2, required: true });
    const { assets } = this.setup;
    const submit = () =>
      void this.send('assets', { name: name.value.trim(), currencyCode: code.value.trim().toUpperCase(), category: category.value, placeOrigin: origin.value, decimals: Number(decimals.value) });
    return h(
      'div',
      { class: 'panel' },
      h('h3', {}, t('setupAssets')),
      table('setup-assets', ['name', 'currencyCode', 'assetCategory', 'originPlace'], assets.map((asset) => [asset.name, asset.currencyCode, asset.category, this.placeName(asset.placeOrigin)]), assets.map((asset) => asset.id)),
      this.form('asset-form', submit, field('name', name), field('currencyCode', code), field('assetCategory', category), field('originPlace', origin), field('decimals', decimals)),
    );
  }

  private federationsPanel(): HTMLElement {
    const { federations, places, assets } = this.setup;
    const name = h('input', { id: 'federation-name', required: true, maxlength: 100 });
    const assetName = (id: string) => assets.find((asset) => asset.id === id)?.name ?? id;
    const rows = federations.map((federation) => [federation.name, federation.places.map((id) => this.placeName(id)).join(', ') || '—', federation.assets.map(assetName).join(', ') || '—']);
    const which = (id: string) => choice(id, 'chooseFederation', federations);
    const placeFederation = which('federation-of-place');
    const place = choice('federation-place', 'choosePlace', places);
    const assetFederation = which('federation-of-asset');
    // FED is federated by nature: it is never added to a federation.
    const asset = choice('federation-asset', 'chooseAsset', assets.filter((row) => row.category !== 'FED' && !row.archived).map((row) => ({ id: row.id, name: `${row.name} (${row.currencyCode})` })));
    const add = (id: string, submit: () => void, word: Word, ...children: HTMLElement[]) =>
      this.admin ? h('form', { class: 'inline-form setup-form', id, onsubmit: (event: Event) => (event.preventDefault(), submit()) }, ...children, h('button', { type: 'submit', id: `${id}-submit` }, t(word))) : null;
    return h(
      'div',
      { class: 'panel' },
      h('h3', {}, t('setupFederations')),
      table('setup-federations', ['name', 'setupPlaces', 'setupAssets'], rows, federations.map((federation) => federation.id)),
      this.form('federation-form', () => void this.send('federations', { name: name.value.trim() }), field('name', name)),
      add('federation-place-form', () => void this.send(`federations/${placeFederation.value}/places`, { place: place.value }), 'addPlace', field('federation', placeFederation), field('place', place)),
      add('federation-asset-form', () => void this.send(`federations/${assetFederation.value}/assets`, { asset: asset.value }), 'addAsset', field('federation', assetFederation), field('asset', asset)),
    );
  }

  private productsPanel(): HTMLElement {
    const place = choice('product-place', 'choosePlace', this.setup.places);
    place.value = this.productPlace;
    place.addEventListener('change', () => {
      this.productPlace = place.value;
      void this.showProducts();
    });
    const label = h('input', { id: 'product-label', required: true, maxlength: 100 });
    const price = h('input', { id: 'product-price', required: true, inputmode: 'decimal' });
    const usable = this.setup.assets.filter((asset) => !asset.archived);
    const asset = choice('product-asset', 'chooseAsset', usable.map((row) => ({ id: row.id, name: `${row.name} (${row.currencyCode})` })));
    const group = h('input', { id: 'product-category', maxlength: 40 });
    const submit = () => {
      const decimals = usable.find((row) => row.id === asset.value)?.decimals ?? 0;
      const minor = parseMoney(price.value, decimals);
      if (minor === null) return replace(this.notice, h('p', { class: 'bad', role: 'alert' }, t('badAmount')));
      void this.send('products', { place: place.value, label: label.value.trim(), price: minor, asset: asset.value, category: group.value.trim() });
    };
    return h(
      'div',
      { class: 'panel' },
      h('h3', {}, t('setupProducts')),
      h('div', { class: 'inline-form' }, field('place', place)),
      this.products,
      this.form('product-form', submit, field('productLabel', label), field('price', price), field('asset', asset), field('productCategory', group)),
    );
  }

  private async showProducts(): Promise<void> {
    if (this.productPlace === '') return replace(this.products);
    const { products } = await api<{ products: ProductRow[] }>(`setup/products?place=${this.productPlace}`);
    const assets = new Map(this.setup.assets.map((asset) => [asset.id, asset]));
    const info = (id: string): AssetInfo | undefined => {
      const row = assets.get(id);
      return row ? { id: row.id, name: row.name, code: row.currencyCode, category: row.category, decimals: row.decimals, archived: row.archived } : undefined;
    };
    replace(
      this.products,
      table('setup-products', ['productLabel', 'price', 'productCategory'], products.map((product) => [product.label, money(product.price, info(product.assetId)), product.category || '—']), products.map((product) => product.id)),
    );
  }
}
