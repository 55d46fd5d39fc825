import { parseArgs } from 'node:util';
import { OperatorRole, TokenName } from '@fedow/protocol';
import { createToken, listTokens, revokeToken, rotateToken, type NewToken } from '../operators/tokens';
import { type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { withContext } from './open';

export const TOKENS_USAGE = 'fedow tokens --create --name N --role admin|cashdesk|viewer | --list | --revoke N | --rotate N  [--json]';

/**
 * Operator tokens, on the hub's database directly: no token is needed to run it,
 * only access to the hub's machine. That is how a lost first token is replaced:
 * `fedow tokens --create --name rescue --role admin` (README, "Operators and tokens").
 */
export async function tokensCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      list: { type: 'boolean' },
      revoke: { type: 'string' },
      rotate: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'list', 'revoke', 'rotate'] as const, 'tokens');
  if (action === 'list') {
    const tokens = await withContext(io, listTokens);
    print(io, values.json, { tokens }, () =>
      table([['name', 'role', 'created', 'revoked'], ...tokens.map((token) => [token.name, token.role, token.createdAt, token.revokedAt ?? '-'])]),
    );
    return 0;
  }
  if (action === 'revoke') {
    const name = validate(TokenName, values.revoke, 'revoke');
    const token = await withContext(io, (context) => revokeToken(context, name));
    print(io, values.json, { ...token }, () => [`token "${token.name}" (${token.role}) revoked at ${token.revokedAt}: its dashboard sessions end too`]);
    return 0;
  }
  const created =
    action === 'create'
      ? await (async () => {
          const name = validate(TokenName, required(values, 'name', action), 'name');
          const role = OperatorRole.safeParse(required(values, 'role', action));
          if (!role.success) throw new UsageError(`--role is one of ${OperatorRole.options.join(', ')}`);
          return withContext(io, (context) => createToken(context, { name, role: role.data }));
        })()
      : await withContext(io, (context) => rotateToken(context, validate(TokenName, values.rotate, 'rotate')));
  print(io, values.json, { ...created }, () => shownOnce(created, action === 'rotate'));
  return 0;
}

function shownOnce(token: NewToken, rotated: boolean): string[] {
  return [
    `${rotated ? 'new secret for' : 'new'} ${token.role} token "${token.name}" (shown once, keep it):`,
    token.token,
    ...(rotated ? ['the old secret no longer works'] : []),
  ];
}
