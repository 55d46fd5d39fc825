/**
 * The compatible API's plumbing: raw bodies (signatures cover their bytes), the
 * original's error bodies (`{"detail": …}` or DRF's `{field: [messages]}`), and a
 * route helper that authenticates before the handler runs.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { authenticate, type Caller, type Scheme } from './auth';
import { formFields } from './python';
import { answerJson } from './raw-json';

export interface RouteInput {
  caller: Caller;
  request: FastifyRequest;
  /** The body's text as received; null on GET. */
  raw: string | null;
  /** The parsed body: JSON, or a form's fields. */
  body: unknown;
  params: Record<string, string>;
}

export interface Answer {
  status: number;
  body: unknown;
}

export type Handler = (input: RouteInput) => Promise<Answer>;

/** A 400 in DRF's shape: `{field: [message]}`, or `{"detail": message}` without a field. */
export function invalid(message: string, field?: string): HubError {
  return new HubError('bad_request', message, 400, field === undefined ? undefined : { fields: { [field]: [message] } });
}

export function compatNotFound(message = 'Pas trouvé.'): HubError {
  return new HubError('not_found', message, 404);
}

/** Bodies are kept as text: every parser of this scope hands the handler the bytes. */
export function installCompatParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError | HubError | Error, request, reply) => {
    if (error instanceof HubError) return sendError(reply, error.status === 422 ? 400 : error.status, error.message, error.details);
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, error.message);
    request.log.error({ err: error }, 'compat: unhandled error');
    return sendError(reply, 500, 'Erreur interne (voir le journal du hub).');
  });
}

function sendError(reply: FastifyReply, status: number, detail: string, details?: Record<string, unknown>): FastifyReply {
  const fields = details?.fields;
  const body = fields !== undefined ? fields : { detail, ...(details?.code === undefined ? {} : { code: details.code }) };
  return reply.status(status).type('application/json; charset=utf-8').send(answerJson(body));
}

export function route(app: FastifyInstance, context: HubContext, method: 'GET' | 'POST', path: string, scheme: Scheme | null, handler: Handler): void {
  app.route({
    method,
    url: path,
    handler: async (request, reply) => {
      const raw = method === 'POST' ? (typeof request.body === 'string' ? request.body : '') : null;
      const caller = scheme === null ? { key: null, place: null, compatPlace: null, wallet: null } : await authenticate(context, request, scheme, raw);
      const answer = await handler({ caller, request, raw, body: raw === null ? null : parseBody(request, raw), params: request.params as Record<string, string> });
      return reply.status(answer.status).type('application/json; charset=utf-8').send(answerJson(answer.body));
    },
  });
}

function parseBody(request: FastifyRequest, raw: string): unknown {
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) return formFields(raw);
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw invalid('JSON parse error');
  }
}

// ── reading bodies ─────────────────────────────────────────────────────────

export type Fields = Record<string, unknown>;

export function objectBody(body: unknown): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('Un objet JSON est attendu.');
  return body as Fields;
}

export function text(fields: Fields, name: string, options: { optional?: boolean; max?: number } = {}): string {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    if (options.optional) return '';
    throw invalid('Ce champ est obligatoire.', name);
  }
  if (typeof value !== 'string') throw invalid('Une chaîne est attendue.', name);
  if (options.max !== undefined && value.length > options.max) throw invalid(`Au plus ${options.max} caractères.`, name);
  return value;
}

export function optionalText(fields: Fields, name: string): string | null {
  const value = text(fields, name, { optional: true });
  return value === '' ? null : value;
}

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** A uuid as the original's UUIDField reads it (hyphens optional), lower-cased and hyphenated. */
export function uuid(fields: Fields, name: string): string {
  return normalUuid(text(fields, name), name);
}

export function normalUuid(value: string, name = 'uuid'): string {
  if (!UUID.test(value)) throw invalid('Un UUID valide est attendu.', name);
  const hex = value.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function integer(fields: Fields, name: string, min = 0): number {
  const value = fields[name];
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw invalid('Un nombre entier valide est requis.', name);
  if (number < min) throw invalid(`Assurez-vous que cette valeur est supérieure ou égale à ${min}.`, name);
  return number;
}

export function bool(fields: Fields, name: string): boolean {
  const value = fields[name];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True' || value === '1') return true;
  if (value === 'false' || value === 'False' || value === '0') return false;
  throw invalid('Un booléen valide est requis.', name);
}
