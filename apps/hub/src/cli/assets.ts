import { parseArgs } from 'node:util';
import { AssetCreate, UuidInput } from '@fedow/protocol';
import { archiveAsset, listAssets } from '../directory/assets';
import { createAsset } from '../money/new-asset';
import { integer, type Io, oneAction, print, required, table, validate } from './io';
import { withContext, withExistingContext } from './open';

export const ASSETS_USAGE =
  'fedow assets --create --name N --currency_code C --category TLF|TNF|FED|TIM|FID|BDG|SUB --place_origin ID [--decimals D] [--membership_days N] | --list | --archive ID  [--json]';

export async function assetsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      list: { type: 'boolean' },
      archive: { type: 'string' },
      name: { type: 'string' },
      currency_code: { type: 'string' },
      category: { type: 'string' },
      place_origin: { type: 'string' },
      decimals: { type: 'string' },
      membership_days: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'list', 'archive'] as const, 'assets');
  if (action === 'create') {
    const input = validate(AssetCreate, {
      name: required(values, 'name', 'create'),
      currencyCode: required(values, 'currency_code', 'create'),
      category: required(values, 'category', 'create').toUpperCase(),
      placeOrigin: required(values, 'place_origin', 'create'),
      decimals: values.decimals === undefined ? undefined : integer(values.decimals, 'decimals'),
      membershipDays: values.membership_days === undefined ? undefined : integer(values.membership_days, 'membership_days'),
    }, { currencyCode: 'currency_code', placeOrigin: 'place_origin', membershipDays: 'membership_days' });
    const asset = await withContext(io, (context) => createAsset(context, input));
    print(io, values.json, { ...asset }, () => [`asset ${asset.id} "${asset.name}" (${asset.currencyCode}, ${asset.category}) created`]);
    return 0;
  }
  if (action === 'archive') {
    const id = validate(UuidInput, values.archive, 'archive');
    const asset = await withContext(io, (context) => archiveAsset(context, id));
    print(io, values.json, { ...asset }, () => [`asset ${asset.id} "${asset.name}" archived`]);
    return 0;
  }
  const assets = await withExistingContext(io, listAssets);
  print(io, values.json, { assets }, () =>
    table([
      ['id', 'name', 'code', 'category', 'origin place', 'archived'],
      ...assets.map((a) => [a.id, a.name, a.currencyCode, a.category, a.placeOrigin ?? '(hub)', a.archived ? 'yes' : 'no']),
    ]),
  );
  return 0;
}
