import type { CardSetMessage, CardState } from '@fedow/protocol';
import { SETTING, readSetting, writeSetting, type TillDatabase } from './database';

/**
 * The federation's card set as the hub last sent it (protocol card-set.ts),
 * kept in the till's database (settings, one base64 value) and in memory as
 * sorted 4-byte first tag ids: 4 bytes a card, a binary search a lookup.
 * Before the first set arrives nothing is known either way (`undefined`), and
 * the till behaves as before.
 */
export class TillCardSet {
  private tags: Buffer | null;
  private hubEnrolls: boolean;
  private staged: Buffer[] = [];

  constructor(private readonly db: TillDatabase) {
    const stored = readSetting(db, SETTING.cardSetTags);
    this.tags = stored === undefined ? null : Buffer.from(stored, 'base64');
    this.hubEnrolls = readSetting(db, SETTING.cardSetEnrolls) === '1';
  }

  /** One part; the set is replaced, durably, when the last part arrives whole. */
  apply(message: CardSetMessage): { status: 'staged' | 'applied' } | { status: 'invalid'; message: string } {
    if (message.part === 1) this.staged = [];
    if (this.staged.length !== message.part - 1) return { status: 'invalid', message: `card set part ${message.part} arrived after part ${this.staged.length}` };
    this.staged.push(Buffer.from(message.tags, 'base64'));
    if (message.part < message.parts) return { status: 'staged' };
    const tags = Buffer.concat(this.staged);
    this.staged = [];
    if (tags.length !== message.count * 4) return { status: 'invalid', message: `card set of ${message.count} cards holds ${tags.length} bytes` };
    this.db.transaction(() => {
      writeSetting(this.db, SETTING.cardSetTags, tags.toString('base64'));
      writeSetting(this.db, SETTING.cardSetEnrolls, message.enrolls ? '1' : '0');
    })();
    this.tags = tags;
    this.hubEnrolls = message.enrolls;
    return { status: 'applied' };
  }

  /** Whether the hub knows this card (by its first 4 UID bytes); undefined before any set. */
  knows(uid: string): boolean | undefined {
    if (this.tags === null) return undefined;
    const wanted = Number.parseInt(uid.slice(0, 8), 16);
    let low = 0;
    let high = this.tags.length / 4 - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.tags.readUInt32BE(middle * 4);
      if (value === wanted) return true;
      if (value < wanted) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** The place enrolls cards the hub does not know at their first top-up or membership. */
  enrolls(): boolean {
    return this.hubEnrolls;
  }
}

/** A card the hub knows but this till holds no state of: it holds nothing yet. */
export function emptyCardState(uid: string): CardState {
  return { card: uid, wallet: null, balances: {}, blocked: false };
}
