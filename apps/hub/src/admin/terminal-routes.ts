import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BlockPageQuery, IdParams, PageQuery, PairingCodeCreate, TerminalListQuery, TerminalPolicySet, Uuid } from '@fedow/protocol';
import { z } from 'zod';
import type { HubContext } from '../context';
import { listBlocks, listTransfers, showWallet } from '../money/ledger-reads';
import { setTerminalPolicy } from '../directory/policy';
import { createPairingCode, listTerminals, revokeTerminal, unfreezeTerminal } from '../directory/terminals';
import { answer, errors } from './openapi';

/** Tills (pairing codes, status), and the ledger read-only: wallets, transfers, blocks. */
export async function terminalRoutes(app: FastifyInstance, context: HubContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/terminals', { schema: { tags: ['terminals'], summary: 'Tills, with their status and head', querystring: TerminalListQuery, response: { 200: answer('{terminals: [...]}') } } }, async (request) => ({
    terminals: await listTerminals(context, request.query.place),
  }));
  api.post('/api/v1/terminals/pairing-codes', { schema: { tags: ['terminals'], summary: 'A single-use pairing code for a new till', body: PairingCodeCreate, response: { 201: answer('{code, expiresAt, place, name}'), ...errors(404) } } }, async (request, reply) =>
    reply.status(201).send(await createPairingCode(context, request.body)),
  );
  api.post('/api/v1/terminals/:id/revoke', { schema: { tags: ['terminals'], summary: 'Revoke a till: its connection is closed, its entries refused', params: IdParams, response: { 200: answer('the till'), ...errors(404) } } }, async (request) => revokeTerminal(context, request.params.id));
  api.post('/api/v1/terminals/:id/unfreeze', { schema: { tags: ['terminals'], summary: 'Unfreeze a till after an operator has looked at its fork', params: IdParams, response: { 200: answer('the till'), ...errors(404, 409) } } }, async (request) => unfreezeTerminal(context, request.params.id));

  api.put(
    '/api/v1/terminals/:id/policy',
    {
      schema: {
        tags: ['terminals'],
        summary: 'Set a till’s overrides of its place’s offline policy (null removes them); the till hears it at once',
        params: IdParams,
        body: TerminalPolicySet,
        response: { 200: answer('{terminal, place, overrides, policy}'), ...errors(404) },
      },
    },
    async (request) => setTerminalPolicy(context, request.params.id, request.body.overrides),
  );

  api.get('/api/v1/wallets/:id', { schema: { tags: ['ledger'], summary: 'A wallet and its balances', params: z.strictObject({ id: Uuid }), response: { 200: answer('the wallet'), ...errors(404) } } }, async (request) => showWallet(context, request.params.id));
  api.get('/api/v1/transfers', { schema: { tags: ['ledger'], summary: 'Transfers after a seq, in commit order', querystring: PageQuery, response: { 200: answer('{transfers: [...]}') } } }, async (request) => ({ transfers: await listTransfers(context, request.query) }));
  api.get('/api/v1/blocks', { schema: { tags: ['ledger'], summary: 'Sealed blocks after a height', querystring: BlockPageQuery, response: { 200: answer('{blocks: [...]}') } } }, async (request) => ({ blocks: await listBlocks(context, request.query) }));
}
