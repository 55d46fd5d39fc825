import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AssetCreate,
  FederationAssetAdd,
  FederationAssetParams,
  FederationCreate,
  FederationPlaceAdd,
  FederationPlaceParams,
  IdParams,
  PlaceCreate,
  ProductCreate,
  ProductListQuery,
} from '@fedow/protocol';
import type { HubContext } from '../context';
import { operatorSource } from './auth';
import { archiveAsset, createAsset, listAssets } from '../directory/assets';
import { changeFederation, createFederation, listFederations } from '../directory/federations';
import { createPlace, listPlaces } from '../directory/places';
import { archiveProduct, createProduct, listProducts } from '../directory/products';

/** Places, assets, federations and the till catalogue: thin wrappers of the directory services. */
export async function directoryRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/api/v1/places', { schema: { tags: ['places'] } }, async () => ({ places: await listPlaces(context) }));
  api.post('/api/v1/places', { schema: { tags: ['places'], body: PlaceCreate } }, async (request, reply) =>
    reply.status(201).send(await createPlace(context, request.body)),
  );

  api.get('/api/v1/assets', { schema: { tags: ['assets'] } }, async () => ({ assets: await listAssets(context) }));
  api.post('/api/v1/assets', { schema: { tags: ['assets'], body: AssetCreate } }, async (request, reply) =>
    reply.status(201).send(await createAsset(context, request.body, operatorSource(request))),
  );
  api.post('/api/v1/assets/:id/archive', { schema: { tags: ['assets'], params: IdParams } }, async (request) =>
    archiveAsset(context, request.params.id),
  );

  api.get('/api/v1/federations', { schema: { tags: ['federations'] } }, async () => ({ federations: await listFederations(context) }));
  api.post('/api/v1/federations', { schema: { tags: ['federations'], body: FederationCreate } }, async (request, reply) =>
    reply.status(201).send(await createFederation(context, request.body)),
  );
  api.post('/api/v1/federations/:id/assets', { schema: { tags: ['federations'], params: IdParams, body: FederationAssetAdd } }, async (request) =>
    changeFederation(context, { federation: request.params.id, asset: request.body.asset, add: true }),
  );
  api.delete('/api/v1/federations/:id/assets/:asset', { schema: { tags: ['federations'], params: FederationAssetParams } }, async (request) =>
    changeFederation(context, { federation: request.params.id, asset: request.params.asset, add: false }),
  );
  api.post('/api/v1/federations/:id/places', { schema: { tags: ['federations'], params: IdParams, body: FederationPlaceAdd } }, async (request) =>
    changeFederation(context, { federation: request.params.id, place: request.body.place, add: true }),
  );
  api.delete('/api/v1/federations/:id/places/:place', { schema: { tags: ['federations'], params: FederationPlaceParams } }, async (request) =>
    changeFederation(context, { federation: request.params.id, place: request.params.place, add: false }),
  );

  api.get('/api/v1/products', { schema: { tags: ['products'], querystring: ProductListQuery } }, async (request) => ({
    products: await listProducts(context, request.query.place, { archived: request.query.archived }),
  }));
  api.post('/api/v1/products', { schema: { tags: ['products'], body: ProductCreate } }, async (request, reply) =>
    reply.status(201).send(await createProduct(context, request.body)),
  );
  api.post('/api/v1/products/:id/archive', { schema: { tags: ['products'], params: IdParams } }, async (request) =>
    archiveProduct(context, request.params.id),
  );
}
