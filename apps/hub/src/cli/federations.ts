import { parseArgs } from 'node:util';
import { FederationCreate, UuidInput } from '@fedow/protocol';
import { changeFederation, createFederation, listFederations, type FederationView } from '../directory/federations';
import { type Io, oneAction, print, required, table, validate } from './io';
import { withContext, withExistingContext } from './open';

export const FEDERATIONS_USAGE =
  'fedow federations --create --name N [--description D] | --add_asset|--remove_asset --fed_uuid F --asset_uuid A | --add_place|--remove_place --fed_uuid F --place_uuid P | --list  [--json]';

const ACTIONS = ['create', 'add_asset', 'remove_asset', 'add_place', 'remove_place', 'list'] as const;

export async function federationsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...Object.fromEntries(ACTIONS.map((action) => [action, { type: 'boolean' as const }])),
      name: { type: 'string' },
      description: { type: 'string' },
      fed_uuid: { type: 'string' },
      asset_uuid: { type: 'string' },
      place_uuid: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json === true;
  const action = oneAction(values, ACTIONS, 'federations');
  if (action === 'list') {
    const federations = await withExistingContext(io, listFederations);
    print(io, json, { federations }, () =>
      table([['id', 'name', 'places', 'assets'], ...federations.map((f) => [f.id, f.name, String(f.places.length), String(f.assets.length)])]),
    );
    return 0;
  }
  let federation: FederationView;
  if (action === 'create') {
    const input = validate(FederationCreate, { name: required(values, 'name', action), description: values.description });
    federation = await withContext(io, (context) => createFederation(context, input));
  } else {
    const id = validate(UuidInput, required(values, 'fed_uuid', action), 'fed_uuid');
    const add = action.startsWith('add_');
    const change = action.endsWith('_asset')
      ? { federation: id, asset: validate(UuidInput, required(values, 'asset_uuid', action), 'asset_uuid'), add }
      : { federation: id, place: validate(UuidInput, required(values, 'place_uuid', action), 'place_uuid'), add };
    federation = await withContext(io, (context) => changeFederation(context, change));
  }
  print(io, json, { ...federation }, () => [
    `federation ${federation.id} "${federation.name}": ${federation.places.length} place(s), ${federation.assets.length} asset(s)`,
  ]);
  return 0;
}
