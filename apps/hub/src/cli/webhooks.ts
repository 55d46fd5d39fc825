import { parseArgs } from 'node:util';
import { UuidInput, WebhookDeliveryStatus, WebhookEndpointCreate, WEBHOOK_DELIVERIES_PAGE_MAX, WEBHOOK_EVENT_TYPES } from '@fedow/protocol';
import { addEndpoint, endpointSecret, listDeliveries, listEndpoints, removeEndpoint, replayDelivery, type DeliveryView } from '../notify/endpoints';
import { CLI_OPERATOR } from '../money/source';
import { integer, type Io, oneAction, print, required, table, UsageError, validate } from './io';
import { withContext, withExistingContext } from './open';

export const WEBHOOKS_USAGE =
  'fedow webhooks --add URL --events E,E… [--place ID] | --list [--place ID] [--removed] | --secret ID | --remove ID | --deliveries [--endpoint ID] [--status pending|delivered|dead] [--limit N] | --replay DELIVERY  [--json]';

/**
 * Outgoing webhooks on the hub's database: the same services as the admin API.
 * A running hub picks up a new endpoint at its next round (a fraction of a second).
 */
export async function webhooksCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      add: { type: 'string' },
      list: { type: 'boolean' },
      secret: { type: 'string' },
      remove: { type: 'string' },
      deliveries: { type: 'boolean' },
      replay: { type: 'string' },
      events: { type: 'string' },
      place: { type: 'string' },
      removed: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ['add', 'list', 'secret', 'remove', 'deliveries', 'replay'] as const, 'webhooks');
  const place = values.place === undefined ? undefined : validate(UuidInput, values.place, 'place');
  switch (action) {
    case 'add': {
      const events = required(values, 'events', action).split(',').map((event) => event.trim()).filter((event) => event !== '');
      const input = validate(WebhookEndpointCreate, { url: values.add, events, place }, { url: 'add' });
      const created = await withContext(io, (context) => addEndpoint(context, { ...input, createdBy: CLI_OPERATOR }));
      print(io, values.json, { ...created }, () => [
        `endpoint ${created.id} → ${created.url} (${created.place ?? 'every place'}): ${created.events.join(', ')}`,
        `signing secret (keep it; fedow webhooks --secret ${created.id} shows it again): ${created.secret}`,
      ]);
      return 0;
    }
    case 'list': {
      const endpoints = await withExistingContext(io, (context) => listEndpoints(context, { place, includeRemoved: values.removed }));
      print(io, values.json, { endpoints }, () =>
        table([
          ['id', 'url', 'place', 'events', 'pending', 'delivered', 'dead', 'removed'],
          ...endpoints.map((e) => [e.id, e.url, e.place ?? 'all', e.events.join(','), String(e.deliveries.pending), String(e.deliveries.delivered), String(e.deliveries.dead), e.removedAt ?? '-']),
        ]),
      );
      return 0;
    }
    case 'secret': {
      const id = validate(UuidInput, values.secret, 'secret');
      const secret = await withExistingContext(io, (context) => endpointSecret(context, id));
      print(io, values.json, { secret }, () => [secret]);
      return 0;
    }
    case 'remove': {
      const id = validate(UuidInput, values.remove, 'remove');
      const removed = await withExistingContext(io, (context) => removeEndpoint(context, id));
      print(io, values.json, { ...removed }, () => [`endpoint ${removed.id} removed: nothing more is sent to it (${removed.deliveries.dead} deliveries dead or given up)`]);
      return 0;
    }
    case 'deliveries': {
      const endpoint = values.endpoint === undefined ? undefined : validate(UuidInput, values.endpoint, 'endpoint');
      const status = values.status === undefined ? undefined : validate(WebhookDeliveryStatus, values.status, 'status');
      const limit = values.limit === undefined ? 50 : integer(values.limit, 'limit');
      if (limit < 1 || limit > WEBHOOK_DELIVERIES_PAGE_MAX) throw new UsageError(`--limit is 1 to ${WEBHOOK_DELIVERIES_PAGE_MAX}`);
      const deliveries = await withExistingContext(io, (context) => listDeliveries(context, { endpoint, place, statuses: status ? [status] : undefined, limit }));
      print(io, values.json, { deliveries }, () => deliveryLines(deliveries));
      return 0;
    }
    case 'replay': {
      const id = validate(UuidInput, values.replay, 'replay');
      const replay = await withExistingContext(io, (context) => replayDelivery(context, id));
      print(io, values.json, { ...replay }, () => [`delivery ${replay.id} queued: ${replay.type} ${replay.messageId} again, after what its endpoint already has to send`]);
      return 0;
    }
  }
}

function deliveryLines(deliveries: readonly DeliveryView[]): string[] {
  return table([
    ['delivery', 'endpoint', 'event', 'status', 'attempts', 'last answer', 'next / done'],
    ...deliveries.map((d) => {
      const last = d.attemptLog.at(-1);
      const answer = last === undefined ? '-' : last.status === null ? (last.error ?? 'no answer') : String(last.status);
      return [d.id, d.endpoint, d.type, d.status, String(d.attempts), answer, d.nextAttemptAt ?? d.finishedAt ?? '-'];
    }),
  ]);
}

/** For the usage line's readers: the events, in the documented order. */
export const WEBHOOK_EVENTS_HELP = `events: ${WEBHOOK_EVENT_TYPES.join(', ')}`;
