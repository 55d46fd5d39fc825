import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CARD_CSV_BYTES_MAX, CardTag, UserEmail, UuidInput } from '@fedow/protocol';
import { importCards, setPrimary, showCard, type CardView } from '../directory/cards';
import { declareLost } from '../money/lost';
import { linkCard, replaceCard } from '../money/cards';
import { CLI_OPERATOR } from '../money/source';
import { appliedOrThrow } from '../money/submit';
import { assetUnits, inUnit } from './users';
import { integer, type Io, oneAction, print, required, UsageError, validate } from './io';
import { withContext, withExistingContext } from './open';

export const CARDS_USAGE =
  'fedow cards --import FILE.csv --place ID [--generation N] [--primary] | --show TAG | --set-primary TAG --place ID | --lost TAG | --link TAG --email E | --replace LOST_TAG --by NEW_TAG  [--json]';

export async function cardsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      import: { type: 'string' },
      show: { type: 'string' },
      'set-primary': { type: 'string' },
      lost: { type: 'string' },
      link: { type: 'string' },
      replace: { type: 'string' },
      email: { type: 'string' },
      by: { type: 'string' },
      place: { type: 'string' },
      generation: { type: 'string' },
      primary: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['import', 'show', 'set-primary', 'lost', 'link', 'replace'] as const, 'cards');
  if (action === 'link' || action === 'replace') return moveCard(action, values, io);
  if (action === 'import') {
    const csv = readCsv(values.import ?? '');
    const progress = values.json ? undefined : progressBar(io);
    const options = {
      place: validate(UuidInput, required(values, 'place', action), 'place'),
      generation: values.generation === undefined ? 1 : integer(values.generation, 'generation'),
      primary: values.primary,
      progress,
    };
    const result = await withContext(io, (context) => importCards(context, csv, options)).catch((error: unknown) => {
      // The error goes on its own line, not after a half-drawn bar.
      if (progress) io.stderr.write('\n');
      throw error;
    });
    print(io, values.json, { ...result }, () => [
      `${result.imported} card(s) imported into batch ${result.id} (generation ${result.generation})${result.primary ? ', all primary for the place' : ''}`,
    ]);
    return 0;
  }
  const tag = validate(CardTag, values[action], action);
  let view: CardView;
  if (action === 'show') view = await withExistingContext(io, (context) => showCard(context, tag));
  else if (action === 'lost') view = await withContext(io, (context) => declareLost(context, tag));
  else {
    const place = validate(UuidInput, required(values, 'place', action), 'place');
    view = await withContext(io, (context) => setPrimary(context, { tag, place, primary: true }));
  }
  print(io, values.json, { id: view.card.id, ...view }, () => describeCard(view));
  return 0;
}

/**
 * Link and replace move money: each invocation is its own request, under a fresh
 * idempotency key. The command line talks to the database itself, so it always
 * learns whether its transaction committed and never has to retry blindly; a key
 * derived from the arguments would instead answer a link refused for debt with
 * the same refusal after the debt is paid.
 */
async function moveCard(action: 'link' | 'replace', values: { link?: string; replace?: string; email?: string; by?: string; json: boolean }, io: Io): Promise<number> {
  const tag = validate(CardTag, values[action], action);
  const source = { kind: 'operator' as const, name: CLI_OPERATOR };
  const { outcome, view, units } = await withContext(io, async (context) => {
    const idempotencyKey = `cli:${action}:${context.newId()}`;
    const outcome =
      action === 'link'
        ? await linkCard(context, { source, idempotencyKey, card: tag, email: validate(UserEmail, required(values, 'email', action), 'email') })
        : await replaceCard(context, { source, idempotencyKey, lost: tag, by: validate(CardTag, required(values, 'by', action), 'by') });
    appliedOrThrow(outcome);
    const view = await showCard(context, action === 'link' ? tag : (values.by ?? ''));
    return { outcome, view, units: await assetUnits(context) };
  });
  const moved = outcome.transfers.map((transfer) => inUnit(transfer.amount, units.get(transfer.asset)));
  print(io, values.json, { ...outcome, card: view }, () => [
    action === 'link' ? `card ${view.card.firstTagId} linked to ${outcome.user?.email ?? '?'}` : `card ${tag} replaced by ${view.card.firstTagId}${outcome.user ? ` (user ${outcome.user.email})` : ''}`,
    moved.length === 0 ? 'no balance moved' : `moved: ${moved.join(', ')}`,
    ...describeCard(view),
  ]);
  return 0;
}

function readCsv(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (size > CARD_CSV_BYTES_MAX) throw new UsageError(`${path} is larger than ${CARD_CSV_BYTES_MAX} bytes`);
  return readFileSync(path, 'utf8');
}

function describeCard(view: CardView): string[] {
  const card = view.card;
  const balances = Object.entries(view.balances);
  return [
    `card ${card.id}  tag ${card.firstTagId}${card.uid ? `  uid ${card.uid}` : ''}  number ${card.numberPrinted ?? '-'}  qr ${card.qrcode ?? '-'}`,
    `user ${card.userEmail ?? '-'}  wallet ${view.wallet ?? '(none yet)'}`,
    `primary for ${card.primaryFor.length === 0 ? 'no place' : card.primaryFor.join(', ')}`,
    view.blocked ? `BLOCKED (${view.reason})${card.lostAt ? ` lost at ${card.lostAt}` : ''}` : 'not blocked',
    ...(balances.length === 0 ? ['no balance'] : balances.map(([asset, value]) => `  ${asset}  ${value}`)),
  ];
}

/** A bar on stderr, redrawn when the percentage moves; nothing when stderr is not a terminal (a log, a pipe). */
export function progressBar(io: Io, what = 'importing cards'): ((done: number, total: number) => void) | undefined {
  if (!(io.stderr as { isTTY?: boolean }).isTTY) return undefined;
  const width = 30;
  let shown = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((width * percent) / 100);
    io.stderr.write(`\r${what} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${percent}%`);
    if (done === total) io.stderr.write('\n');
  };
}
