import type { AssetInfo, Meta, PlaceInfo, StreamEvents, Topic } from '../views';

/** What every view may read: the places and assets (fetched at start and when they change). */
export interface Directory {
  assets: Map<string, AssetInfo>;
  places: Map<string, PlaceInfo>;
  meta: Meta;
}

export function directoryOf(meta: Meta): Directory {
  return { meta, assets: new Map(meta.assets.map((asset) => [asset.id, asset])), places: new Map(meta.places.map((place) => [place.id, place])) };
}

/** One page of the dashboard, mounted in the main area; re-fetches when one of its topics changes. */
export interface View {
  readonly topics: readonly Topic[];
  readonly element: HTMLElement;
  refresh(): Promise<void>;
  verify?(event: StreamEvents['verify']): void;
  verifyDone?(event: StreamEvents['verify-done']): void;
}
