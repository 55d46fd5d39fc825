import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '../config';
import * as repo from '../storage/repo';
import { dashboardOperator, type Dashboard } from './access';
import { isLoopback, lanAddresses } from './lan';
import type { PairingInfo } from './views';

/** Codes shown on the pairing page at most: more than a festival pairs at once. */
const PENDING_SHOWN_MAX = 100;

/** What the pairing page shows besides the form: pending codes and the hub's LAN addresses. */
export async function pairingRoutes(app: FastifyInstance, dashboard: Dashboard, config: HubConfig): Promise<void> {
  const { context } = dashboard;
  app.get('/dashboard/api/pairing', async (request): Promise<PairingInfo> => {
    await dashboardOperator(dashboard, request);
    const now = context.clock.now().toISOString();
    const pending = await repo.listPendingPairingCodes(context.storage.read, now, PENDING_SHOWN_MAX);
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    return {
      pending: pending.map((code) => ({ place: code.placeId, name: code.name, createdAt: code.createdAt, expiresAt: code.expiresAt })),
      addresses: lanAddresses(networkInterfaces(), config.host, port, request.protocol),
      loopbackOnly: isLoopback(config.host),
    };
  });
}
