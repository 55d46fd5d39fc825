import { dayMinutes, decideTimeSpent, DEFAULT_TIME_RULES, pairTaps, type TimeMode, type TimeRules, type Visit } from '@fedow/ledger';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { submitRequest, type RequestOutcome } from './submit';

/**
 * Time spent in a place (issue 14.4, DECISIONS.md "Time spent in a place"): after
 * ingest, the hub pairs a day's badge taps of a place's door tills per card in
 * till-time order and books the minutes as recorded requests of its own (source
 * `hub`, kind `time-spent`), never inside a till's entry. The key names the place,
 * the asset, the card, the day and the day's total: the same total is booked once,
 * and a late tap that adds time books only what it adds.
 */

export interface TimeOrder {
  place: string;
  /** The TIM asset: issued by the place (accrue) or accepted by it (debit). */
  asset: string;
  mode: TimeMode;
  /** YYYY-MM-DD, UTC. */
  day: string;
  rules?: Partial<TimeRules>;
}

export interface CardDay {
  card: string;
  visits: (Visit | null)[];
  /** The day's counted minutes; null while a visit is still open (before closing time). */
  minutes: number | null;
  /** Minutes counted by earlier bookings of the same card and day. */
  booked: number;
  outcome: RequestOutcome | null;
}

const DAY_MS = 86_400_000;
/** Closed days the schedule books again: a door till offline up to a week still has its late visits counted. */
export const TIME_DAYS_BOOKED = 7;

export interface PlaceTimeRules extends TimeRules {
  place: string;
  asset: string;
  mode: TimeMode;
}

/** A place's rules, checked: its TIM asset (issued by the place to accrue), mode, rounding, cap, closing time. */
export async function setTimeRules(context: HubContext, input: { place: string; asset: string; mode: TimeMode } & Partial<TimeRules>): Promise<PlaceTimeRules> {
  const tx = context.storage.read;
  const place = await repo.getPlace(tx, input.place);
  if (!place) throw new HubError('not_found', `no place ${input.place}`);
  const asset = (await repo.getAssets(tx, [input.asset])).get(input.asset);
  if (!asset) throw new HubError('not_found', `no asset ${input.asset}`);
  if (asset.category !== 'TIM') throw new HubError('wrong_asset_category', `${asset.name} is ${asset.category}, not TIM`);
  if (input.mode === 'accrue' && asset.originWalletId !== place.walletId) throw new HubError('not_asset_origin', `${place.name} does not issue ${asset.name}: it can only debit it`);
  const rules = checkRules({ ...DEFAULT_TIME_RULES, ...definedOnly(input) });
  await context.storage.transaction((write) =>
    repo.upsertTimeRules(write, {
      placeId: place.id,
      assetId: asset.id,
      mode: input.mode,
      roundingMinutes: rules.roundingMinutes,
      dailyCapMinutes: rules.dailyCapMinutes,
      closingTime: rules.closingTime,
      debounceSeconds: rules.debounceSeconds,
      updatedAt: iso(context.clock.now()),
    }),
  );
  return { place: place.id, asset: asset.id, mode: input.mode, ...rules };
}

export async function getTimeRules(context: HubContext, place: string): Promise<PlaceTimeRules | null> {
  const row = await repo.getTimeRules(context.storage.read, place);
  return row ? rulesOf(row) : null;
}

function rulesOf(row: repo.TimeRulesRow): PlaceTimeRules {
  return {
    place: row.placeId,
    asset: row.assetId,
    mode: row.mode,
    roundingMinutes: row.roundingMinutes,
    dailyCapMinutes: row.dailyCapMinutes,
    closingTime: row.closingTime,
    debounceSeconds: row.debounceSeconds,
  };
}

function definedOnly(input: Partial<TimeRules>): Partial<TimeRules> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<TimeRules>;
}

/** A closed day of a place, by its stored rules. */
export async function bookPlaceDay(context: HubContext, place: string, day: string): Promise<CardDay[]> {
  const rules = await getTimeRules(context, place);
  if (!rules) throw new HubError('not_configured', `place ${place} has no time rules: set them first`);
  const { place: _place, asset, mode, ...counting } = rules;
  return bookTimeSpent(context, { place, asset, mode, day, rules: counting });
}

/** What the schedule does: every place with rules, its last TIME_DAYS_BOOKED days (today too once closed). */
export async function bookDueTime(context: HubContext): Promise<{ place: string; day: string; booked: number }[]> {
  const now = context.clock.now().getTime();
  const results: { place: string; day: string; booked: number }[] = [];
  for (const row of await repo.listTimeRules(context.storage.read)) {
    for (let back = 0; back <= TIME_DAYS_BOOKED; back++) {
      const day = new Date(now - back * DAY_MS).toISOString().slice(0, 10);
      if (back === 0 && now < Date.parse(`${day}T${row.closingTime}:00.000Z`)) continue;
      const days = await bookPlaceDay(context, row.placeId, day);
      results.push({ place: row.placeId, day, booked: days.filter((entry) => entry.outcome !== null && !entry.outcome.replayed).length });
    }
  }
  return results;
}

export async function bookTimeSpent(context: HubContext, order: TimeOrder): Promise<CardDay[]> {
  const rules = checkRules({ ...DEFAULT_TIME_RULES, ...order.rules });
  const start = Date.parse(`${order.day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(order.day) || Number.isNaN(start)) throw new HubError('bad_request', `a day is YYYY-MM-DD, not ${order.day}`);
  const tx = context.storage.read;
  const place = await repo.getPlace(tx, order.place);
  if (!place) throw new HubError('not_found', `no place ${order.place}`);
  const taps = await repo.badgeTaps(tx, place.walletId, iso(new Date(start)), iso(new Date(start + DAY_MS)));
  const byCard = new Map<string, { id: string; at: string }[]>();
  for (const tap of taps) byCard.set(tap.cardId, [...(byCard.get(tap.cardId) ?? []), { id: tap.id, at: tap.tillAt }]);
  const cards = await repo.getCards(tx, [...byCard.keys()]);
  const now = context.clock.now().getTime();
  const days: CardDay[] = [];
  for (const [card, cardTaps] of byCard) {
    const visits = pairTaps(cardTaps, order.day, rules, now);
    const minutes = dayMinutes(visits, rules);
    const prefix = `time:${place.id}:${order.asset}:${card}:${order.day}:`;
    const booked = Math.max(0, ...(await repo.hubRequestsByKeyPrefix(tx, prefix)).filter((row) => row.status === 'applied').map((row) => (JSON.parse(row.body) as { minutes: number }).minutes));
    const tag = cards.get(card)?.firstTagId;
    if (minutes === null || minutes <= booked || tag === undefined) {
      days.push({ card, visits, minutes, booked, outcome: null });
      continue;
    }
    const meta = { day: order.day, minutes, visits: visits.length };
    const outcome = await submitRequest(context, {
      source: { kind: 'hub' },
      idempotencyKey: `${prefix}${minutes}`,
      kind: 'time-spent',
      body: { place: place.id, asset: order.asset, card, day: order.day, minutes, booked: minutes - booked, mode: order.mode },
      needs: { place: place.id, cards: [tag] },
      decide: (state, decision, request) => decideTimeSpent(state, { place: place.id, asset: order.asset, card, minutes: minutes - booked, mode: order.mode, request, meta }, decision),
    });
    days.push({ card, visits, minutes, booked, outcome });
  }
  return days;
}

function checkRules(rules: TimeRules): TimeRules {
  if (!Number.isInteger(rules.roundingMinutes) || rules.roundingMinutes < 1 || rules.roundingMinutes > 1_440) throw new HubError('bad_request', 'rounding is 1 to 1440 minutes');
  if (rules.dailyCapMinutes !== null && (!Number.isInteger(rules.dailyCapMinutes) || rules.dailyCapMinutes < 0)) throw new HubError('bad_request', 'a daily cap is a number of minutes');
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(rules.closingTime)) throw new HubError('bad_request', `closing time is HH:MM (UTC), not ${rules.closingTime}`);
  if (!Number.isInteger(rules.debounceSeconds) || rules.debounceSeconds < 0) throw new HubError('bad_request', 'debounce is a number of seconds');
  return rules;
}

/** A card's counted days, the latest first: the largest total booked per place, asset and day (a late visit adds a booking). */
export async function timeSpentOfCard(context: HubContext, cardId: string, daysMax: number): Promise<{ day: string; place: string; asset: string; minutes: number }[]> {
  const rows = await repo.timeBookingsOfCard(context.storage.read, cardId, daysMax * 4);
  const days = new Map<string, { day: string; place: string; asset: string; minutes: number }>();
  for (const row of rows) {
    const body = JSON.parse(row.body) as { day: string; place: string; asset: string; minutes: number };
    const key = `${body.place}:${body.asset}:${body.day}`;
    if ((days.get(key)?.minutes ?? -1) < body.minutes) days.set(key, { day: body.day, place: body.place, asset: body.asset, minutes: body.minutes });
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0)).slice(0, daysMax);
}
