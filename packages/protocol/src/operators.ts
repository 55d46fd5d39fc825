/**
 * Operators (named tokens with a role), corrections and the audit of every
 * request, as the admin API, the CLI and the dashboard take and give them.
 */
import { z } from 'zod';
import { AUDIT_ROWS_MAX, LABEL_CHARS_MAX, NOTE_CHARS_MAX, TOKEN_NAME_CHARS_MAX } from './limits';
import { Amount, Uuid, UuidInput } from './primitives';
import { QueryInt } from './admin';

export const OperatorRole = z.enum(['admin', 'cashdesk', 'viewer']);
export type OperatorRole = z.infer<typeof OperatorRole>;

/** A token's name, recorded on every request it makes; unique among active tokens. */
export const TokenName = z
  .string()
  .trim()
  .min(1)
  .max(TOKEN_NAME_CHARS_MAX)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');

export const TokenCreate = z.strictObject({ name: TokenName, role: OperatorRole });
export type TokenCreate = z.infer<typeof TokenCreate>;
export const TokenParams = z.strictObject({ name: TokenName });

export const TokenView = z.strictObject({
  name: z.string(),
  role: OperatorRole,
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
/** A created or rotated token: `token` is its secret, shown in this answer only. */
export const NewToken = TokenView.extend({ token: z.string() });
export const TokenList = z.strictObject({ tokens: z.array(TokenView) });

/** A `COR`: credit a wallet from the primary wallet, or debit it to the primary wallet, with a reason. */
export const CorrectionCreate = z.strictObject({
  wallet: UuidInput,
  asset: UuidInput,
  amount: Amount.refine((amount) => amount > 0, 'a correction is more than 0'),
  direction: z.enum(['credit', 'debit']),
  reason: z.string().trim().min(1, 'a reason is required').max(NOTE_CHARS_MAX),
});
export type CorrectionCreate = z.infer<typeof CorrectionCreate>;

export const REQUEST_SOURCE_NAMES = ['operator', 'wallet', 'provider', 'api', 'hub'] as const;

/** `GET /api/v1/requests`: newest first; `before` is the `next` of the previous page (or a time). */
export const AuditQuery = z.strictObject({
  source: z.enum(REQUEST_SOURCE_NAMES).optional(),
  actor: z.string().trim().min(1).max(255).optional(),
  kind: z.string().trim().min(1).max(LABEL_CHARS_MAX).optional(),
  before: z.string().max(200).optional(),
  limit: QueryInt(1, AUDIT_ROWS_MAX).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditRow = z.strictObject({
  id: Uuid,
  at: z.string(),
  source: z.enum(REQUEST_SOURCE_NAMES),
  actor: z.string(),
  kind: z.string(),
  status: z.enum(['applied', 'rejected']),
  /** The rule's refusal code, when refused. */
  reason: z.string().nullable(),
  /** The operator's words: a correction's reason. */
  note: z.string().nullable(),
  transfers: z.array(z.strictObject({ seq: z.number().int(), action: z.string(), sender: Uuid, receiver: Uuid, asset: Uuid, amount: z.number().int() })),
});
export type AuditRow = z.infer<typeof AuditRow>;
export const AuditPage = z.strictObject({ requests: z.array(AuditRow), next: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
