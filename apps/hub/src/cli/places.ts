import { parseArgs } from 'node:util';
import { PlaceCreate, Uuid, type OfflinePolicy } from '@fedow/protocol';
import { updatePlaceSettings } from '../directory/policy';
import { createPlace, listPlaces } from '../directory/places';
import { type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { POLICY_OPTIONS, POLICY_USAGE, policyPatch, yesNo } from './policy-flags';
import { withContext } from './open';

export const PLACES_USAGE = `fedow places --create --name N --email E [--description D] [--enroll-unknown-cards] | --list | --policy ID ${POLICY_USAGE} [--enroll-unknown yes|no]  [--json]`;

export async function placesCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      list: { type: 'boolean' },
      policy: { type: 'string' },
      'enroll-unknown': { type: 'string' },
      ...POLICY_OPTIONS,
      name: { type: 'string' },
      email: { type: 'string' },
      description: { type: 'string' },
      'enroll-unknown-cards': { type: 'boolean' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'list', 'policy'] as const, 'places');
  if (action === 'policy') {
    const id = validate(Uuid, values.policy, 'policy');
    const change = {
      offlinePolicy: policyPatch(values),
      enrollUnknownCards: values['enroll-unknown'] === undefined ? undefined : yesNo(values['enroll-unknown'], 'enroll-unknown'),
    };
    if (Object.keys(change.offlinePolicy).length === 0 && change.enrollUnknownCards === undefined) throw new UsageError('--policy needs at least one policy flag or --enroll-unknown');
    const place = await withContext(io, (context) => updatePlaceSettings(context, id, change));
    print(io, values.json, { ...place }, () => [`place "${place.name}": ${describePolicy(place.offlinePolicy)}; unknown cards ${place.enrollUnknownCards ? 'enrolled' : 'refused'}`]);
    return 0;
  }
  if (action === 'create') {
    const input = validate(PlaceCreate, {
      name: required(values, 'name', 'create'),
      email: required(values, 'email', 'create'),
      description: values.description,
      enrollUnknownCards: values['enroll-unknown-cards'] ?? false,
    });
    const place = await withContext(io, (context) => createPlace(context, input));
    print(io, values.json, { ...place }, () => [`place ${place.id} "${place.name}" created (wallet ${place.wallet}, admin ${place.adminEmail})`]);
    return 0;
  }
  const places = await withContext(io, listPlaces);
  print(io, values.json, { places }, () => table([['id', 'name', 'admin', 'wallet'], ...places.map((p) => [p.id, p.name, p.adminEmail ?? '-', p.wallet])]));
  return 0;
}

/** One line a person reads: the limits in minor units, as they are typed. */
export function describePolicy(policy: OfflinePolicy): string {
  return [
    `sale ≤ ${policy.maxOfflineSale}`,
    `per card ≤ ${policy.maxOfflineCardSpend}`,
    `per till ≤ ${policy.maxOfflineExposure}`,
    `${policy.maxOfflineMinutes} min offline`,
    `refunds offline ${policy.offlineRefunds ? 'yes' : 'no'}`,
    `top-up of unknown cards ${policy.unknownCardTopUp ? 'yes' : 'no'}`,
  ].join(', ');
}
