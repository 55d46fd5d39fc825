import { parseArgs } from 'node:util';
import { PairingCodeCreate, Uuid } from '@fedow/protocol';
import { createPairingCode, listTerminals, revokeTerminal, unfreezeTerminal, type TerminalView } from '../directory/terminals';
import { type Io, oneAction, print, required, table, validate } from './io';
import { withContext } from './open';

export const TERMINALS_USAGE = 'fedow terminals --pair --place ID --name N | --list [--place ID] | --revoke ID | --unfreeze ID  [--json]';

export async function terminalsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      pair: { type: 'boolean' },
      list: { type: 'boolean' },
      revoke: { type: 'string' },
      unfreeze: { type: 'string' },
      place: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['pair', 'list', 'revoke', 'unfreeze'] as const, 'terminals');
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
