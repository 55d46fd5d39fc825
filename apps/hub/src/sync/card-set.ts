import { sql } from 'drizzle-orm';
import { CARD_SET_TAGS_PER_PART, type CardSetMessage } from '@fedow/protocol';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/**
 * The cards a till of `place` may meet (protocol card-set.ts): those of the
 * batches of its own place and of every place it shares a federation with, and
 * cards of no batch or of a batch of no place (enrolled at a till, seeded).
 */
export async function cardSetTags(read: Tx, place: string): Promise<string[]> {
  const rows = await read.all<{ tag: string }>(sql`
    select c.first_tag_id as tag from cards c
    left join card_batches b on b.id = c.batch_id
    where c.batch_id is null or b.place_id is null or b.place_id = ${place}
       or b.place_id in (
         select mate.place_id from federation_places mine
         join federation_places mate on mate.federation_id = mine.federation_id
         where mine.place_id = ${place})`);
  return rows.map((row) => row.tag);
}

/** The set in parts, each under the frame limit; an empty set is one empty part. */
export async function cardSetMessages(read: Tx, place: string): Promise<CardSetMessage[]> {
  const tags = [...new Set((await cardSetTags(read, place)).map((tag) => tag.toUpperCase()))].sort();
  const enrolls = (await repo.getPlace(read, place))?.enrollUnknownCards ?? false;
  const parts = Math.max(1, Math.ceil(tags.length / CARD_SET_TAGS_PER_PART));
  return Array.from({ length: parts }, (_, index) => {
    const slice = tags.slice(index * CARD_SET_TAGS_PER_PART, (index + 1) * CARD_SET_TAGS_PER_PART);
    return { type: 'card-set', part: index + 1, parts, count: tags.length, enrolls, tags: Buffer.from(slice.join(''), 'hex').toString('base64') };
  });
}

/** A fingerprint of what was sent, so that a directory change resends only a set that changed. */
export function cardSetKey(messages: readonly CardSetMessage[]): string {
  return `${messages[0]?.count ?? 0}:${messages[0]?.enrolls ?? false}:${messages.map((message) => message.tags.slice(-16)).join(',')}`;
}
