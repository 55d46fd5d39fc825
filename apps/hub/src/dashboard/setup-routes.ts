import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AssetCreate, FederationAssetAdd, FederationCreate, FederationPlaceAdd, IdParams, PlaceCreate, ProductCreate, ProductListQuery } from '@fedow/protocol';
import { ADMIN_ROLES } from '../admin/auth';
import { listAssets } from '../directory/assets';
import { changeFederation, createFederation, listFederations } from '../directory/federations';
import { createPlace, listPlaces } from '../directory/places';
import { createProduct, listProducts } from '../directory/products';
import { createAsset } from '../money/new-asset';
import { dashboardOperator, type Dashboard } from './access';

/**
 * A festival's setup from the dashboard: the same directory services, with the same
 * checks and errors, as the admin API and the CLI (places, assets, federations,
 * products). Reading is for every role; changing is the administrator's.
 */
export async function setupRoutes(app: FastifyInstance, dashboard: Dashboard): Promise<void> {
  const { context } = dashboard;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = (request: Parameters<typeof dashboardOperator>[1]) => dashboardOperator(dashboard, request, ADMIN_ROLES);

  api.get('/dashboard/api/setup', async () => ({ places: await listPlaces(context), assets: await listAssets(context), federations: await listFederations(context) }));
  api.get('/dashboard/api/setup/products', { schema: { querystring: ProductListQuery } }, async (request) => ({ products: await listProducts(context, request.query.place, { archived: request.query.archived }) }));

  api.post('/dashboard/api/setup/places', { schema: { body: PlaceCreate } }, async (request, reply) => {
    await admin(request);
    return reply.status(201).send(await createPlace(context, request.body));
  });
  api.post('/dashboard/api/setup/assets', { schema: { body: AssetCreate } }, async (request, reply) => {
    const source = await admin(request);
    return reply.status(201).send(await createAsset(context, request.body, source));
  });
  api.post('/dashboard/api/setup/federations', { schema: { body: FederationCreate } }, async (request, reply) => {
    await admin(request);
    return reply.status(201).send(await createFederation(context, request.body));
  });
  api.post('/dashboard/api/setup/federations/:id/places', { schema: { params: IdParams, body: FederationPlaceAdd } }, async (request) => {
    await admin(request);
    return changeFederation(context, { federation: request.params.id, place: request.body.place, add: true });
  });
  api.post('/dashboard/api/setup/federations/:id/assets', { schema: { params: IdParams, body: FederationAssetAdd } }, async (request) => {
    await admin(request);
    return changeFederation(context, { federation: request.params.id, asset: request.body.asset, add: true });
  });
  api.post('/dashboard/api/setup/products', { schema: { body: ProductCreate } }, async (request, reply) => {
    await admin(request);
    return reply.status(201).send(await createProduct(context, request.body));
  });
}
