import { parseArgs } from 'node:util';
import { PairingCodeCreate, Uuid } from '@fedow/protocol';
import { createPairingCode, listTerminals, revokeTerminal, unfreezeTerminal, type TerminalView } from '../directory/terminals';
import { setTerminalPolicy } from '../directory/policy';
import { type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { describePolicy } from './places';
import { POLICY_OPTIONS, POLICY_USAGE, policyPatch } from './policy-flags';
import { withContext } from './open';

export const TERMINALS_USAGE = `fedow terminals --pair --place ID --name N | --list [--place ID] | --revoke ID | --unfreeze ID | --policy ID ${POLICY_USAGE} | --clear-policy ID  [--json]`;

export async function terminalsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      pair: { type: 'boolean' },
      list: { type: 'boolean' },
      revoke: { type: 'string' },
      unfreeze: { type: 'string' },
      policy: { type: 'string' },
      'clear-policy': { type: 'string' },
      ...POLICY_OPTIONS,
      place: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['pair', 'list', 'revoke', 'unfreeze', 'policy', 'clear-policy'] as const, 'terminals');
  if (action === 'policy' || action === 'clear-policy') {
    const id = validate(Uuid, values[action], action);
    const overrides = action === 'policy' ? policyPatch(values) : null;
    if (overrides !== null && Object.keys(overrides).length === 0) throw new UsageError('--policy needs at least one policy flag (or use --clear-policy)');
    const view = await withContext(io, (context) => setTerminalPolicy(context, id, overrides));
    print(io, values.json, { ...view }, () => [`terminal ${view.terminal}: ${view.overrides === null ? 'no overrides' : 'overrides set'}; works under ${describePolicy(view.policy)}`]);
    return 0;
  }
  if (action === 'pair') {
    const input = validate(PairingCodeCreate, { place: required(values, 'place', action), name: required(values, 'name', action) });
    const code = await withContext(io, (context) => createPairingCode(context, input));
    print(io, values.json, { ...code }, () => [
      `pairing code for "${code.name}": ${code.code}`,
      `single use, valid until ${code.expiresAt}: enter it on the till`,
    ]);
    return 0;
  }
  if (action === 'list') {
    const place = values.place === undefined ? undefined : validate(Uuid, values.place, 'place');
    const terminals = await withContext(io, (context) => listTerminals(context, place));
    print(io, values.json, { terminals }, () =>
      table([
        ['id', 'name', 'status', 'online', 'lastSeq', 'lag', 'last seen'],
        ...terminals.map((t) => [t.id, t.name, t.status, t.online ? 'yes' : 'no', String(t.lastSeq), t.lag === null ? '-' : String(t.lag), t.lastSeenAt ?? 'never']),
      ]),
    );
    return 0;
  }
  const id = validate(Uuid, values[action], action);
  const terminal: TerminalView = await withContext(io, (context) => (action === 'revoke' ? revokeTerminal(context, id) : unfreezeTerminal(context, id)));
  print(io, values.json, { ...terminal }, () => [`terminal ${terminal.id} "${terminal.name}" is now ${terminal.status}`]);
  return 0;
}
