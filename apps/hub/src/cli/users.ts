import { parseArgs } from 'node:util';
import { decimalAmount, UserEmail, USERS_PAGE_MAX } from '@fedow/protocol';
import type { HubContext } from '../context';
import { findOrCreateUser, listUsers, showUser, type UserView } from '../money/users';
import * as repo from '../storage/repo';
import { integer, type Io, oneAction, print, required, table, validate } from './io';
import { withContext, withExistingContext } from './open';

export const USERS_USAGE = 'fedow users --create --email E | --show E [--before SEQ] [--limit N] | --list [--search S] [--after E] [--limit N]  [--json]';

export async function usersCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      create: { type: 'boolean' },
      show: { type: 'string' },
      list: { type: 'boolean' },
      email: { type: 'string' },
      search: { type: 'string' },
      after: { type: 'string' },
      before: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['create', 'show', 'list'] as const, 'users');
  const limit = values.limit === undefined ? undefined : Math.min(integer(values.limit, 'limit'), USERS_PAGE_MAX);
  if (action === 'create') {
    const email = validate(UserEmail, required(values, 'email', action), 'email');
    const user = await withContext(io, (context) => findOrCreateUser(context, email));
    print(io, values.json, { ...user }, () => [`user ${user.email} ${user.created ? 'created' : 'already exists'} (id ${user.id}, wallet ${user.wallet})`]);
    return 0;
  }
  if (action === 'show') {
    const email = validate(UserEmail, values.show, 'show');
    const before = values.before === undefined ? undefined : integer(values.before, 'before');
    const { view, units } = await withExistingContext(io, async (context) => ({ view: await showUser(context, email, { before, limit }), units: await assetUnits(context) }));
    print(io, values.json, { ...view }, () => describeUser(view, units));
    return 0;
  }
  const page = await withExistingContext(io, (context) => listUsers(context, { search: values.search, after: values.after, limit }));
  print(io, values.json, { ...page }, () => [
    ...table([['email', 'id', 'wallet', 'created'], ...page.users.map((user) => [user.email, user.id, user.wallet, user.createdAt])]),
    ...(page.next === null ? [] : [`more: --after ${page.next}`]),
  ]);
  return 0;
}

/** An amount in the asset's unit (STYLE.md habit 7: minor units everywhere, formatted only at the edge). */
export function inUnit(value: number, unit: { decimals: number; code: string } | undefined): string {
  if (!unit) return String(value);
  return `${decimalAmount(value, unit.decimals)} ${unit.code}`;
}

export async function assetUnits(context: HubContext): Promise<Map<string, { decimals: number; code: string; name: string }>> {
  return new Map((await repo.listAssets(context.storage.read)).map((asset) => [asset.id, { decimals: asset.decimals, code: asset.currencyCode, name: asset.name }]));
}

function describeUser(view: UserView, units: Map<string, { decimals: number; code: string; name: string }>): string[] {
  const balances = Object.entries(view.balances);
  return [
    `user ${view.user.email}  id ${view.user.id}  wallet ${view.user.wallet}  since ${view.user.createdAt}`,
    `cards: ${view.cards.length === 0 ? 'none' : view.cards.map((card) => `${card.firstTagId}${card.numberPrinted ? ` (${card.numberPrinted})` : ''}${card.lostAt ? ' lost' : ''}`).join(', ')}`,
    'balances:',
    ...(balances.length === 0 ? ['  none'] : balances.map(([asset, value]) => `  ${inUnit(value, units.get(asset))}  ${units.get(asset)?.name ?? asset}`)),
    'memberships:',
    ...(view.memberships.length === 0 ? ['  none'] : view.memberships.map((row) => `  ${units.get(row.asset)?.name ?? row.asset}: ${row.valid ? 'valid' : 'expired'} until ${row.validUntil}`)),
    'history (newest first):',
    ...(view.history.transfers.length === 0
      ? ['  none']
      : table(view.history.transfers.map((row) => [`  ${row.at}`, row.action, `${row.direction === 'out' ? '-' : '+'}${inUnit(row.amount, units.get(row.asset))}`, row.counterpart ?? '', row.card ? `card ${row.card}` : '']))),
    ...(view.history.nextBefore === null ? [] : [`older: --before ${view.history.nextBefore}`]),
  ];
}
