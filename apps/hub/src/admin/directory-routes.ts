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
  PlaceSettingsUpdate,
  ProductCreate,
  ProductListQuery,
} from '@fedow/protocol';
import type { HubContext } from '../context';
import { operatorSource } from './auth';
import { answer, errors } from './openapi';
import { archiveAsset, listAssets } from '../directory/assets';
import { changeFederation, createFederation, listFederations } from '../directory/federations';
import { updatePlaceSettings } from '../directory/policy';
import { createPlace, listPlaces } from '../directory/places';
import { archiveProduct, createProduct, listProducts } from '../directory/products';
import { createAsset } from '../money/new-asset';

/** Places, assets, federations and the till catalogue: thin wrappers of the directory services. */
export async function directoryRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/api/v1/places', { schema: { tags: ['places'], summary: 'Every place', response: { 200: answer('{places: [...]}') } } }, async () => ({ places: await listPlaces(context) }));
  api.post('/api/v1/places', { schema: { tags: ['places'], summary: 'Create a place, with its wallet and its administrator', body: PlaceCreate, response: { 201: answer('the place'), ...errors(409) } } }, async (request, reply) =>
    reply.status(201).send(await createPlace(context, request.body)),
  );

  api.patch(
    '/api/v1/places/:id',
    {
      schema: {
        tags: ['places'],
        summary: 'Change a place’s offline policy (the fields given) or whether it enrolls unknown cards; its tills hear it at once',
        params: IdParams,
        body: PlaceSettingsUpdate,
        response: { 200: answer('the place'), ...errors(404) },
      },
    },
    async (request) => updatePlaceSettings(context, request.params.id, request.body),
  );

  api.get('/api/v1/assets', { schema: { tags: ['assets'], summary: 'Every asset', response: { 200: answer('{assets: [...]}') } } }, async () => ({ assets: await listAssets(context) }));
  api.post('/api/v1/assets', { schema: { tags: ['assets'], summary: 'Create an asset issued by a place, with its first transfer', body: AssetCreate, response: { 201: answer('the asset'), ...errors(404, 409) } } }, async (request, reply) =>
    reply.status(201).send(await createAsset(context, request.body, operatorSource(request))),
  );
  api.post('/api/v1/assets/:id/archive', { schema: { tags: ['assets'], summary: 'Archive an asset: no till accepts it any more', params: IdParams, response: { 200: answer('the asset'), ...errors(404) } } }, async (request) =>
    archiveAsset(context, request.params.id),
  );

  api.get('/api/v1/federations', { schema: { tags: ['federations'], summary: 'Every federation, with its places and assets', response: { 200: answer('{federations: [...]}') } } }, async () => ({ federations: await listFederations(context) }));
  api.post('/api/v1/federations', { schema: { tags: ['federations'], summary: 'Create a federation', body: FederationCreate, response: { 201: answer('the federation'), ...errors(409) } } }, async (request, reply) =>
    reply.status(201).send(await createFederation(context, request.body)),
  );
  api.post('/api/v1/federations/:id/assets', { schema: { tags: ['federations'], summary: 'Share an asset with the federation', params: IdParams, body: FederationAssetAdd, response: { 200: answer('the federation'), ...errors(404, 409) } } }, async (request) =>
    changeFederation(context, { federation: request.params.id, asset: request.body.asset, add: true }),
  );
  api.delete('/api/v1/federations/:id/assets/:asset', { schema: { tags: ['federations'], summary: 'Stop sharing an asset with the federation', params: FederationAssetParams, response: { 200: answer('the federation'), ...errors(404) } } }, async (request) =>
    changeFederation(context, { federation: request.params.id, asset: request.params.asset, add: false }),
  );
  api.post('/api/v1/federations/:id/places', { schema: { tags: ['federations'], summary: 'Add a place to the federation', params: IdParams, body: FederationPlaceAdd, response: { 200: answer('the federation'), ...errors(404, 409) } } }, async (request) =>
    changeFederation(context, { federation: request.params.id, place: request.body.place, add: true }),
  );
  api.delete('/api/v1/federations/:id/places/:place', { schema: { tags: ['federations'], summary: 'Remove a place from the federation', params: FederationPlaceParams, response: { 200: answer('the federation'), ...errors(404) } } }, async (request) =>
    changeFederation(context, { federation: request.params.id, place: request.params.place, add: false }),
  );

  api.get('/api/v1/products', { schema: { tags: ['products'], summary: 'The till catalogue of a place', querystring: ProductListQuery, response: { 200: answer('{products: [...]}'), ...errors(404) } } }, async (request) => ({
    products: await listProducts(context, request.query.place, { archived: request.query.archived }),
  }));
  api.post('/api/v1/products', { schema: { tags: ['products'], summary: 'Add a product to a place’s catalogue', body: ProductCreate, response: { 201: answer('the product'), ...errors(404, 409, 422) } } }, async (request, reply) =>
    reply.status(201).send(await createProduct(context, request.body)),
  );
  api.post('/api/v1/products/:id/archive', { schema: { tags: ['products'], summary: 'Archive a product', params: IdParams, response: { 200: answer('the product'), ...errors(404) } } }, async (request) =>
    archiveProduct(context, request.params.id),
  );
}
