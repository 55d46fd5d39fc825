import { parseArgs } from 'node:util';
import { ProductCreate, UuidInput } from '@fedow/protocol';
import { archiveProduct, createProduct, listProducts } from '../directory/products';
import { integer, type Io, oneAction, print, required, table, validate } from './io';
import { withContext, withExistingContext } from './open';

export const PRODUCTS_USAGE =
  'fedow products --create --place ID --label L --price CENTS --asset ID [--category C] [--position N] | --list --place ID [--archived] | --archive ID  [--json]';

export async function productsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      list: { type: 'boolean' },
      archive: { type: 'string' },
      archived: { type: 'boolean', default: false },
      place: { type: 'string' },
      label: { type: 'string' },
      price: { type: 'string' },
      asset: { type: 'string' },
      category: { type: 'string' },
      position: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'list', 'archive'] as const, 'products');
  if (action === 'create') {
    const input = validate(ProductCreate, {
      place: required(values, 'place', action),
      label: required(values, 'label', action),
      price: integer(required(values, 'price', action), 'price'),
      asset: required(values, 'asset', action),
      category: values.category,
      position: values.position === undefined ? undefined : integer(values.position, 'position'),
    });
    const product = await withContext(io, (context) => createProduct(context, input));
    print(io, values.json, { ...product }, () => [`product ${product.id} "${product.label}" (${product.price}) created`]);
    return 0;
  }
  if (action === 'archive') {
    const id = validate(UuidInput, values.archive, 'archive');
    const product = await withContext(io, (context) => archiveProduct(context, id));
    print(io, values.json, { ...product }, () => [`product ${product.id} "${product.label}" archived`]);
    return 0;
  }
  const place = validate(UuidInput, required(values, 'place', action), 'place');
  const products = await withExistingContext(io, (context) => listProducts(context, place, { archived: values.archived }));
  print(io, values.json, { products }, () =>
    table([['id', 'label', 'price', 'asset', 'category'], ...products.map((p) => [p.id, p.label, String(p.price), p.assetId, p.category || '-'])]),
  );
  return 0;
}
