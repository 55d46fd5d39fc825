import { OfflinePolicy, type OfflinePolicyPatch } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { effectivePolicy } from '../ingest/working-set';
import * as repo from '../storage/repo';
import { notFound, requirePlace, write } from './common';
import { placeView, type PlaceView } from './places';

/**
 * Editing a place's offline policy and its tills' overrides (TILL.md). A change
 * goes to the connected tills of the place at once, through the `directory` event
 * their sessions follow; the hub applies it to the next entries it receives.
 */
export async function updatePlaceSettings(
  context: HubContext,
  id: string,
  change: { offlinePolicy?: OfflinePolicyPatch; enrollUnknownCards?: boolean },
): Promise<PlaceView> {
  const view = await write(context, 'place', async (tx) => {
    const place = await requirePlace(tx, id);
    const policy = merged(JSON.parse(place.offlinePolicy) as object, change.offlinePolicy ?? {});
    const patch = { offlinePolicy: JSON.stringify(policy), enrollUnknownCards: change.enrollUnknownCards ?? place.enrollUnknownCards };
    await repo.updatePlace(tx, id, patch);
    const admin = place.adminUserId === null ? undefined : (await repo.getUsers(tx, [place.adminUserId])).get(place.adminUserId);
    return placeView({ ...place, ...patch }, admin?.email ?? null);
  });
  context.events.emit('directory', { place: id });
  return view;
}

export interface TerminalPolicyView {
  terminal: string;
  place: string;
  /** What the till overrides, or null. */
  overrides: OfflinePolicyPatch | null;
  /** The policy the till works under: the place's, with the overrides. */
  policy: OfflinePolicy;
}

/** A till's overrides of its place's policy (null: none). */
export async function setTerminalPolicy(context: HubContext, id: string, overrides: OfflinePolicyPatch | null): Promise<TerminalPolicyView> {
  const view = await write(context, 'terminal', async (tx) => {
    const terminal = await repo.getTerminal(tx, id);
    if (!terminal) throw notFound('terminal', id);
    const place = await requirePlace(tx, terminal.placeId);
    const text = overrides === null || Object.keys(overrides).length === 0 ? null : JSON.stringify(overrides);
    if (text !== null) merged(JSON.parse(place.offlinePolicy) as object, overrides ?? {});
    await repo.setTerminalPolicyOverrides(tx, id, text);
    return { terminal: id, place: place.id, overrides: text === null ? null : overrides, policy: effectivePolicy(place.offlinePolicy, text) };
  });
  context.events.emit('directory', { place: view.place });
  return view;
}

/** The stored policy with the change, checked whole: a value out of range is refused, never stored. */
function merged(current: object, change: OfflinePolicyPatch): OfflinePolicy {
  const parsed = OfflinePolicy.safeParse({ ...current, ...change });
  if (!parsed.success) throw new HubError('bad_request', `offline policy: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
