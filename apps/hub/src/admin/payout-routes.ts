import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError,
  DepositCreate,
  Payout,
  PayoutBatch,
  PayoutBatchCreate,
  PayoutBatchList,
  PayoutCreate,
  PayoutList,
  PayoutListQuery,
  PayoutParams,
  RequestOutcome,
} from '@fedow/protocol';
import type { SepaAccountSetting } from '../config';
import type { HubContext } from '../context';
import { deposit } from '../money/deposit';
import { approvePayouts, exportBatch, listBatches, listPayoutViews, markBatchSent, refusePayout, requestPayoutFor, showBatch } from '../money/payouts';
import { appliedOrThrow } from '../money/submit';
import { CASHDESK_ROLES, idempotencyKey, operatorSource, optionalIdempotencyKey } from './auth';
import { IdempotencyHeaders } from './money-routes';

/** Batches listed by GET /api/v1/payout-batches: the latest. */
const BATCHES_LISTED_MAX = 100;

/**
 * Federated euro out: card holders' payouts by SEPA batch (requested at the cash
 * desk, approved, exported as pain.001.001.03, booked when marked sent), and
 * places' bank deposits. Approving, refusing, exporting, sending and depositing
 * are the admin's.
 */
export async function payoutRoutes(app: FastifyInstance, context: HubContext, sepa: SepaAccountSetting): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/api/v1/payouts',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Ask for a card holder’s FED to be paid back by SEPA transfer (IBAN checked; nothing moves before its batch is sent)',
        body: PayoutCreate,
        response: { 201: Payout, 400: ApiError, 403: ApiError, 404: ApiError, 422: ApiError },
      },
      config: { roles: CASHDESK_ROLES },
    },
    async (request, reply) => reply.status(201).send(await requestPayoutFor(context, request.body, operatorSource(request), optionalIdempotencyKey(request))),
  );

  api.get(
    '/api/v1/payouts',
    { schema: { tags: ['payouts'], summary: 'Payouts, the oldest first, by status', querystring: PayoutListQuery, response: { 200: PayoutList, 400: ApiError } } },
    async (request) => ({ payouts: await listPayoutViews(context, request.query.status) }),
  );

  api.post(
    '/api/v1/payouts/:id/refuse',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Refuse a requested or approved payout (an exported batch’s file is made again without it)',
        params: PayoutParams,
        response: { 200: Payout, 403: ApiError, 404: ApiError, 409: ApiError },
      },
    },
    async (request) => refusePayout(context, request.params.id),
  );

  api.post(
    '/api/v1/payout-batches',
    {
      schema: {
        tags: ['payouts'],
        summary: 'Approve requested payouts (the listed ones, or all) into a new batch',
        // No body at all (null to Fastify) approves every requested payout.
        body: PayoutBatchCreate.nullish(),
        response: { 201: PayoutBatch, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError },
      },
    },
    async (request, reply) => reply.status(201).send(await approvePayouts(context, operatorName(request), request.body?.payouts)),
  );

  api.get(
    '/api/v1/payout-batches',
    { schema: { tags: ['payouts'], summary: 'The latest payout batches', response: { 200: PayoutBatchList } } },
    async () => ({ batches: await listBatches(context, BATCHES_LISTED_MAX) }),
  );

  api.get(
    '/api/v1/payout-batches/:id',
    { schema: { tags: ['payouts'], summary: 'A payout batch with its payouts', params: PayoutParams, response: { 200: PayoutBatch, 404: ApiError } } },
    async (request) => showBatch(context, request.params.id),
  );

  api.get(
    '/api/v1/payout-batches/:id/sepa',
    {
      schema: {
        tags: ['payouts'],
        summary: 'The batch’s ISO 20022 pain.001.001.03 credit-transfer file (made once, then the same bytes every time)',
        description:
          'Answered as application/xml (errors stay JSON). Needs FEDOW_SEPA_NAME, FEDOW_SEPA_IBAN and FEDOW_SEPA_BIC (the federation’s account): without them, 409 not_configured.',
        params: PayoutParams,
        response: { 200: z.string().describe('the pain.001.001.03 XML document, as application/xml'), 403: ApiError, 404: ApiError, 409: ApiError },
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      const { file, batch } = await exportBatch(context, request.params.id, sepa);
      return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="fedow-payouts-${batch}.xml"`)
        // The XML as it is: the route's schema serializer would quote it as a JSON string.
        .serializer((payload) => String(payload))
        .send(file);
    },
  );

  api.post(
    '/api/v1/payout-batches/:id/sent',
    {
      schema: {
        tags: ['payouts'],
        summary: 'The batch’s file went to the bank: book every payout of it (RFD to the primary wallet), all or nothing',
        headers: IdempotencyHeaders,
        params: PayoutParams,
        response: { 200: RequestOutcome, 201: RequestOutcome, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = appliedOrThrow(await markBatchSent(context, { batch: request.params.id, source: operatorSource(request), idempotencyKey: key }));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );

  api.post(
    '/api/v1/deposits',
    {
      schema: {
        tags: ['money'],
        summary: 'A place deposits money at the bank (BNK, FED unless another asset is named): it leaves the system',
        headers: IdempotencyHeaders,
        body: DepositCreate,
        response: { 200: RequestOutcome, 201: RequestOutcome, 400: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError },
      },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const outcome = appliedOrThrow(await deposit(context, { ...request.body, source: operatorSource(request), idempotencyKey: key }));
      return reply.status(outcome.replayed ? 200 : 201).send(outcome);
    },
  );
}

/** The operator's name, recorded as the batch's approver. */
function operatorName(request: FastifyRequest): string {
  if (!request.operator) throw new Error('operatorName outside the operator scope');
  return request.operator.name;
}
