import { parseArgs } from 'node:util';
import { PlaceCreate } from '@fedow/protocol';
import { createPlace, listPlaces } from '../directory/places';
import { type Io, oneAction, print, required, table, validate } from './io';
import { withContext } from './open';

export const PLACES_USAGE = 'fedow places --create --name N --email E [--description D] [--enroll-unknown-cards] | --list  [--json]';

export async function placesCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      list: { type: 'boolean' },
      name: { type: 'string' },
      email: { type: 'string' },
      description: { type: 'string' },
      'enroll-unknown-cards': { type: 'boolean' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'list'] as const, 'places');
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
