/**
 * Declaring a card lost is a ledger request (decideLost), not a directory edit: it
 * takes the money path so that the request is recorded, replayed by `fedow verify`
 * and seen by every till through the card feed, like any other decision.
 */
import { decideLost } from '@fedow/ledger';
import type { HubContext } from '../context';
import { findCard, showCard, type CardView } from '../directory/cards';
import { CLI_OPERATOR, type Source } from './source';
import { appliedOrThrow, submitRequest } from './submit';

/**
 * A lost card (ledger decideLost), as a recorded request: refused everywhere from
 * now on and a cashier card nowhere; its money stays in its wallet until it is
 * linked to a user or carried to a replacement. Declaring it lost again changes nothing.
 */
export async function declareLost(context: HubContext, tag: string, source: Source = { kind: 'operator', name: CLI_OPERATOR }, idempotencyKey?: string): Promise<CardView> {
  const found = await findCard(context.storage.read, tag);
  if (found.lostAt === null) {
    const outcome = await submitRequest(context, {
      source,
      idempotencyKey: idempotencyKey ?? `lost:${found.id}`,
      kind: 'lost',
      body: { card: found.id },
      needs: { cards: [found.firstTagId] },
      decide: (state, decision) => decideLost(state, { card: found.firstTagId }, decision),
    });
    if (outcome.status === 'rejected' && outcome.reason !== 'card_lost') appliedOrThrow(outcome);
  }
  return showCard(context, found.firstTagId);
}
