import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BlockPageQuery, IdParams, PageQuery, PairingCodeCreate, TerminalListQuery, Uuid } from '@fedow/protocol';
import { z } from 'zod';
import type { HubContext } from '../context';
import { listBlocks, listTransfers, showWallet } from '../directory/reads';
import { createPairingCode, listTerminals, revokeTerminal, unfreezeTerminal } from '../directory/terminals';

/** Tills (pairing codes, status), and the ledger read-only: wallets, transfers, blocks. */
export async function terminalRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/terminals', { schema: { tags: ['terminals'], querystring: TerminalListQuery } }, async (request) => ({
    terminals: await listTerminals(context, request.query.place),
  }));
  api.post('/api/v1/terminals/pairing-codes', { schema: { tags: ['terminals'], summary: 'A single-use pairing code for a new till', body: PairingCodeCreate } }, async (request, reply) =>
    reply.status(201).send(await createPairingCode(context, request.body)),
  );
  api.post('/api/v1/terminals/:id/revoke', { schema: { tags: ['terminals'], params: IdParams } }, async (request) => revokeTerminal(context, request.params.id));
  api.post('/api/v1/terminals/:id/unfreeze', { schema: { tags: ['terminals'], params: IdParams } }, async (request) => unfreezeTerminal(context, request.params.id));

  api.get('/api/v1/wallets/:id', { schema: { tags: ['ledger'], params: z.strictObject({ id: Uuid }) } }, async (request) => showWallet(context, request.params.id));
  api.get('/api/v1/transfers', { schema: { tags: ['ledger'], querystring: PageQuery } }, async (request) => ({ transfers: await listTransfers(context, request.query) }));
  api.get('/api/v1/blocks', { schema: { tags: ['ledger'], querystring: BlockPageQuery } }, async (request) => ({ blocks: await listBlocks(context, request.query) }));
}
