import { z } from 'zod';
import { LABEL_CHARS_MAX, META_BYTES_MAX, META_LINES_MAX, NOTE_CHARS_MAX } from './limits';
import { utf8LengthAbove } from './parse';
import { CashCount, countTotal } from './shift';
import { Amount, Balance, CardUid, EntryKind, Hash, Seq, Signature, Timestamp, Uuid } from './primitives';

export const SaleLine = z.strictObject({
  label: z.string().min(1).max(LABEL_CHARS_MAX),
  qty: z.number().int().min(1).max(10_000),
  /** Unit price in minor units. */
  unit: Amount,
});
export type SaleLine = z.infer<typeof SaleLine>;

export const EntryMeta = z
  .strictObject({
    payment: z.enum(['cash', 'card']).optional(),
    lines: z.array(SaleLine).max(META_LINES_MAX).optional(),
    note: z.string().max(NOTE_CHARS_MAX).optional(),
    /** SHO/SHC: the drawer counted by denomination (shift.ts). */
    count: CashCount.optional(),
    /** SHC: the id of the SHO entry that opened the shift. */
    shift: Uuid.optional(),
    /** SHC: the cash the till expected from its own journal (the hub recomputes it from the ledger). */
    expected: Balance.optional(),
  })
  .refine((meta) => !utf8LengthAbove(JSON.stringify(meta), META_BYTES_MAX), {
    message: `meta is larger than ${META_BYTES_MAX} bytes`,
  });
export type EntryMeta = z.infer<typeof EntryMeta>;

/** What a till signs (SYNC.md, "Journal entries"). */
export const EntryBody = z
  .strictObject({
    v: z.literal(1),
    id: Uuid,
    terminal: Uuid,
    seq: Seq.min(1),
    prev: Hash,
    at: Timestamp,
    kind: EntryKind,
    asset: Uuid.nullable(),
    amount: Amount,
    card: CardUid,
    primary: CardUid,
    auth: z.enum(['online', 'offline']),
    meta: EntryMeta.optional(),
  })
  .refine((body) => (body.kind === 'VID' || body.kind === 'SHO' || body.kind === 'SHC') === (body.asset === null), {
    message: 'asset is null for VID, SHO and SHC, and only for them',
    path: ['asset'],
  })
  .refine((body) => body.meta?.count === undefined || countTotal(body.meta.count) === body.amount, {
    message: 'a cash count adds up to the amount',
    path: ['meta', 'count'],
  })
  .refine((body) => body.kind !== 'SHC' || body.meta?.shift !== undefined, {
    message: 'a shift close names the shift it closes (meta.shift)',
    path: ['meta', 'shift'],
  });
export type EntryBody = z.infer<typeof EntryBody>;

export const WireEntry = z.strictObject({ body: EntryBody, hash: Hash, sig: Signature });
export type WireEntry = z.infer<typeof WireEntry>;
