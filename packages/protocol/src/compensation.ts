import { z } from 'zod';
import { UuidInput } from './primitives';

/** Place ↔ place compensation (issue 14.2): the admin API's bodies and parameters. */

/** A time as typed by an operator or a script; the hub checks it parses and puts it in canonical form. */
const PeriodTime = z.string().min(1).max(40);

export const CompensationCreate = z.strictObject({
  federation: UuidInput,
  /** The period is [from, to) of hub time, closed (to ≤ now). */
  from: PeriodTime,
  to: PeriodTime,
});
export type CompensationCreate = z.infer<typeof CompensationCreate>;

export const CompensationParams = z.strictObject({ id: UuidInput });

export const CompensationListQuery = z.strictObject({ federation: UuidInput.optional() });

export const CompensationStatementParams = z.strictObject({ id: UuidInput, place: UuidInput });

export const CompensationStatementQuery = z.strictObject({
  format: z.enum(['html', 'csv']).default('html'),
  lang: z.enum(['en', 'fr']).optional(),
});

/** The bank account of each place the federation pays (the hub stores no place's IBAN). */
export const CompensationSepaCreate = z.strictObject({
  accounts: z.record(UuidInput, z.strictObject({ iban: z.string().min(15).max(42), holder: z.string().min(1).max(140) })),
});
export type CompensationSepaCreate = z.infer<typeof CompensationSepaCreate>;

/** Time spent in a place (issue 14.4): a place's rules, and a day to book. */
export const TimeRulesSet = z.strictObject({
  asset: UuidInput,
  mode: z.enum(['accrue', 'debit']),
  roundingMinutes: z.number().int().min(1).max(1_440).optional(),
  dailyCapMinutes: z.number().int().min(0).max(1_440).nullable().optional(),
  /** HH:MM, UTC. */
  closingTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').optional(),
  debounceSeconds: z.number().int().min(0).max(3_600).optional(),
});
export type TimeRulesSet = z.infer<typeof TimeRulesSet>;

export const TimeRulesParams = z.strictObject({ id: UuidInput });

export const TimeBook = z.strictObject({ place: UuidInput, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD') });
