import { sql } from 'drizzle-orm';
import { TOKEN_NAME_CHARS_MAX } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import { hashToken, newOperatorToken } from '../identity/bootstrap';
import * as repo from '../storage/repo';
import type { OperatorRole } from '../storage/schema-values';
import type { Tx } from '../storage/types';

/** The advisory lock of token writes on PostgreSQL (next to PG_LOCK_SEALER = …03): names stay unique among active tokens. */
const PG_LOCK_TOKENS = 0x6665646f7704;

/** A token as listed: never its secret, which only its hash stands for. */
export interface TokenView {
  name: string;
  role: OperatorRole;
  createdAt: string;
  revokedAt: string | null;
}

/** A new token: the secret is in this answer only, then only its SHA-256 is kept. */
export interface NewToken extends TokenView {
  token: string;
}

/**
 * Named operator tokens with a role (DESIGN.md, "One path for money"): what the
 * admin API, the dashboard and the command line share. The command line works on
 * the hub's database directly, so it is also how a lost first token is replaced.
 */
export async function createToken(context: HubContext, input: { name: string; role: OperatorRole }): Promise<NewToken> {
  const name = checkName(input.name);
  return context.storage.transaction(async (tx) => {
    await lockTokens(tx);
    if (await repo.getActiveOperatorToken(tx, name)) throw new HubError('conflict', `an active token is already named "${name}": revoke or rotate it, or pick another name`);
    return insertToken(tx, name, input.role, iso(context.clock.now()));
  });
}

export async function listTokens(context: HubContext): Promise<TokenView[]> {
  return (await repo.listOperatorTokens(context.storage.read)).map(view);
}

/**
 * Revokes the active token of that name. The last active admin token stays: without
 * it nobody could create tokens from the API or the dashboard, only from the hub's
 * machine — create another admin token first.
 */
export async function revokeToken(context: HubContext, name: string): Promise<TokenView> {
  return context.storage.transaction(async (tx) => {
    await lockTokens(tx);
    const token = await activeToken(tx, name);
    if (token.role === 'admin' && (await activeAdmins(tx)) <= 1) {
      throw new HubError('conflict', `"${token.label}" is the last active admin token: without it nobody could manage tokens but from the hub's machine; create another admin token first`);
    }
    const at = iso(context.clock.now());
    await repo.revokeOperatorToken(tx, token.hash, at);
    return view({ ...token, revokedAt: at });
  });
}

/** A new secret for the same name and role; the old one is revoked in the same transaction. */
export async function rotateToken(context: HubContext, name: string): Promise<NewToken> {
  return context.storage.transaction(async (tx) => {
    await lockTokens(tx);
    const token = await activeToken(tx, name);
    const at = iso(context.clock.now());
    await repo.revokeOperatorToken(tx, token.hash, at);
    return insertToken(tx, token.label, token.role, at);
  });
}

/** A token name: 1 to TOKEN_NAME_CHARS_MAX printable characters, trimmed (checked again here for callers without the schema). */
function checkName(name: string): string {
  const trimmed = name.trim();
  // No control characters: a name is shown in tables, logs and the audit page.
  if (trimmed === '' || trimmed.length > TOKEN_NAME_CHARS_MAX || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new HubError('bad_request', `a token name is 1 to ${TOKEN_NAME_CHARS_MAX} printable characters`);
  }
  return trimmed;
}

async function insertToken(tx: Tx, name: string, role: OperatorRole, createdAt: string): Promise<NewToken> {
  const token = newOperatorToken();
  await repo.insertOperatorToken(tx, { hash: hashToken(token), label: name, role, createdAt });
  return { name, role, createdAt, revokedAt: null, token };
}

async function activeToken(tx: Tx, name: string): Promise<repo.OperatorToken> {
  const token = await repo.getActiveOperatorToken(tx, name.trim());
  if (!token) throw new HubError('not_found', `no active token named "${name}"`);
  return token;
}

async function activeAdmins(tx: Tx): Promise<number> {
  return (await repo.listOperatorTokens(tx)).filter((token) => token.role === 'admin' && token.revokedAt === null).length;
}

async function lockTokens(tx: Tx): Promise<void> {
  if (tx.dialect === 'postgres') await tx.run(sql`SELECT pg_advisory_xact_lock(${PG_LOCK_TOKENS})`);
}

function view(token: repo.OperatorToken): TokenView {
  return { name: token.label, role: token.role, createdAt: token.createdAt, revokedAt: token.revokedAt };
}
