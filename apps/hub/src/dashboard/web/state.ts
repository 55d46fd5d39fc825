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

/**
 * What a view last drew, to skip a live refresh that brings the same thing: drawing
 * again swaps every button under the operator's pointer (a click whose press and
 * release land on two different buttons is no click) and closes what was opened.
 * Parts compare with `===`: data as its JSON text, the directory by identity (a
 * change arrives as a new object).
 */
export class LastDrawn {
  private parts: readonly unknown[] | null = null;

  /** True, and remembered, when `parts` differ from the last drawing's. */
  changed(...parts: unknown[]): boolean {
    const same = this.parts !== null && this.parts.length === parts.length && parts.every((part, index) => part === this.parts![index]);
    if (same) return false;
    this.parts = parts;
    return true;
  }

  /** Something else was drawn meanwhile (a "not found"): the next drawing is not skipped. */
  forget(): void {
    this.parts = null;
  }
}
