import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetCategory } from '@fedow/protocol';
import { changeFederation, createAsset, createFederation, createPlace, createProduct, importCards, listPlaces, type HubContext } from '@fedow/hub';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'demo');

export interface DemoFixture {
  federation: { name: string; description: string };
  places: { key: string; name: string; email: string; description: string; cashiers: string[] }[];
  assets: { key: string; name: string; currencyCode: string; category: AssetCategory; origin: string; membershipDays?: number }[];
  products: { place: string; label: string; price: number; asset: string; category: string; position: number }[];
  tills: { name: string; place: string; profile: 'bar' | 'topup'; cashier: string; rate: number }[];
  /** The simulated tills play on this many visitor cards. */
  demoCards: number;
}

export function readDemoFixture(): DemoFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'federation.json'), 'utf8')) as DemoFixture;
}

/** The visitor cards of the demo CSV (the cashier cards are the ones named in federation.json). */
export function demoCsv(): { header: string; visitors: string[]; byTag: Map<string, string> } {
  const [header, ...lines] = readFileSync(join(FIXTURES, 'cards.csv'), 'utf8').trim().split('\n');
  const byTag = new Map(lines.map((line) => [line.split(',')[2]!, line]));
  return { header: header!, visitors: lines.filter((line) => !line.endsWith(',CA5A0001') && !/,CA5A000\d$/.test(line)), byTag };
}

/**
 * Creates the demo federation through the same services as the admin API and
 * the CLI; does nothing when its first place already exists. Returns the place
 * ids by key.
 */
export async function seedDemo(context: HubContext, fixture: DemoFixture): Promise<{ created: boolean; places: Map<string, string> }> {
  const existing = await listPlaces(context);
  if (existing.some((place) => place.name === fixture.places[0]!.name)) {
    return { created: false, places: new Map(fixture.places.map((place) => [place.key, existing.find((row) => row.name === place.name)!.id])) };
  }
  const places = new Map<string, string>();
  for (const place of fixture.places) {
    const created = await createPlace(context, { name: place.name, email: place.email, description: place.description, enrollUnknownCards: false });
    places.set(place.key, created.id);
  }
  const assets = new Map<string, string>();
  for (const asset of fixture.assets) {
    const created = await createAsset(context, {
      name: asset.name,
      currencyCode: asset.currencyCode,
      category: asset.category,
      placeOrigin: places.get(asset.origin)!,
      ...(asset.membershipDays ? { membershipDays: asset.membershipDays } : {}),
    });
    assets.set(asset.key, created.id);
  }
  const federation = await createFederation(context, fixture.federation);
  for (const place of places.values()) await changeFederation(context, { federation: federation.id, place, add: true });
  for (const asset of assets.values()) await changeFederation(context, { federation: federation.id, asset, add: true });
  const csv = demoCsv();
  await importCards(context, [csv.header, ...csv.visitors].join('\n'), { place: places.get(fixture.places[0]!.key)!, generation: 1, primary: false });
  for (const [index, place] of fixture.places.entries()) {
    const lines = place.cashiers.map((tag) => csv.byTag.get(tag)!);
    await importCards(context, [csv.header, ...lines].join('\n'), { place: places.get(place.key)!, generation: 100 + index, primary: true });
  }
  for (const product of fixture.products) {
    await createProduct(context, { place: places.get(product.place)!, label: product.label, price: product.price, asset: assets.get(product.asset)!, category: product.category, position: product.position });
  }
  return { created: true, places };
}
