import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as repo from '../src/storage/repo';
import { removeTestDirs, startTestHub, type TestHub } from './admin-support';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});
afterAll(removeTestDirs);

describe('admin API: outgoing webhooks', () => {
  it('adds, lists, removes endpoints; refuses bad input with 4xx and changes nothing', async () => {
    hub = await startTestHub();
    const created = await hub.call('POST', '/api/v1/webhooks', { url: 'https://lespass.example/hooks/fedow', events: ['membership.sold', 'transfer.applied'] });
    expect(created.status).toBe(201);
    // Events in the documented order, the secret in the Standard Webhooks form, shown this once.
    expect(created.json).toMatchObject({ url: 'https://lespass.example/hooks/fedow', events: ['transfer.applied', 'membership.sold'], place: null, removedAt: null, secret: expect.stringMatching(/^whsec_/) });
    const listed = await hub.call('GET', '/api/v1/webhooks');
    expect(listed.json.endpoints).toHaveLength(1);
    expect(listed.json.endpoints[0]).not.toHaveProperty('secret');
    expect(listed.json.endpoints[0].deliveries).toEqual({ pending: 0, delivered: 0, dead: 0 });
    expect((await hub.call('GET', `/api/v1/webhooks/${created.json.id}/secret`)).json).toEqual({ secret: created.json.secret });

    const refused = [
      await hub.call('POST', '/api/v1/webhooks', { url: 'ftp://example.org/x', events: ['card.lost'] }),
      await hub.call('POST', '/api/v1/webhooks', { url: 'not a url', events: ['card.lost'] }),
      await hub.call('POST', '/api/v1/webhooks', { url: 'https://user:pw@example.org/', events: ['card.lost'] }),
      await hub.call('POST', '/api/v1/webhooks', { url: 'https://example.org/', events: ['card.stolen'] }),
      await hub.call('POST', '/api/v1/webhooks', { url: 'https://example.org/', events: [] }),
      await hub.call('POST', '/api/v1/webhooks', '{"url":', { 'content-type': 'application/json' }),
    ];
    expect(refused.map((answer) => [answer.status, answer.json.error.code])).toEqual(Array(6).fill([400, 'bad_request']));
    const unknownPlace = await hub.call('POST', '/api/v1/webhooks', { url: 'https://example.org/', events: ['card.lost'], place: '01900000-0000-7000-8000-000000000000' });
    expect([unknownPlace.status, unknownPlace.json.error.code]).toEqual([404, 'not_found']);
    expect(await repo.listWebhookEndpoints(hub.context.storage.read)).toHaveLength(1);

    const removed = await hub.call('DELETE', `/api/v1/webhooks/${created.json.id}`);
    expect([removed.status, typeof removed.json.removedAt]).toEqual([200, 'string']);
    expect((await hub.call('DELETE', `/api/v1/webhooks/${created.json.id}`)).status).toBe(409);
    expect((await hub.call('GET', '/api/v1/webhooks')).json.endpoints).toHaveLength(0);
    expect((await hub.call('GET', '/api/v1/webhooks?removed=true')).json.endpoints).toHaveLength(1);
  });

  it('lists deliveries and refuses to replay what does not exist; a viewer reads but changes nothing', async () => {
    hub = await startTestHub();
    const endpoint = await hub.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/never', events: ['block.sealed'] });
    expect((await hub.call('GET', `/api/v1/webhook-deliveries?endpoint=${endpoint.json.id}`)).json).toEqual({ deliveries: [] });
    expect((await hub.call('GET', '/api/v1/webhook-deliveries?status=lost')).status).toBe(400);
    expect((await hub.call('GET', '/api/v1/webhook-deliveries?limit=100000')).status).toBe(400);
    expect((await hub.call('GET', '/api/v1/webhook-deliveries?endpoint=01900000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await hub.call('POST', '/api/v1/webhook-deliveries/01900000-0000-7000-8000-000000000000/replay')).status).toBe(404);
    // A delivery still being tried is not queued twice.
    const pending = hub.context.newId();
    const far = '2099-01-01T00:00:00.000Z';
    await hub.context.storage.transaction((tx) =>
      repo.insertWebhookDeliveries(tx, [{ id: pending, endpointId: endpoint.json.id, messageId: 'msg_x', type: 'block.sealed', body: '{}', status: 'pending', createdAt: far, nextAttemptAt: far }]),
    );
    const again = await hub.call('POST', `/api/v1/webhook-deliveries/${pending}/replay`);
    expect([again.status, again.json.error.code]).toEqual([409, 'conflict']);
    const listed = (await hub.call('GET', `/api/v1/webhook-deliveries?endpoint=${endpoint.json.id}&status=pending`)).json.deliveries;
    expect(listed.map((delivery: { id: string }) => delivery.id)).toEqual([pending]);

    const viewer = await hub.call('POST', '/api/v1/tokens', { name: 'regard', role: 'viewer' });
    const as = { authorization: `Bearer ${viewer.json.token}` };
    expect((await hub.call('GET', '/api/v1/webhooks', undefined, as)).status).toBe(200);
    expect((await hub.call('GET', `/api/v1/webhooks/${endpoint.json.id}/secret`, undefined, as)).status).toBe(403);
    expect((await hub.call('POST', '/api/v1/webhooks', { url: 'https://example.org/', events: ['card.lost'] }, as)).status).toBe(403);
    expect((await hub.call('DELETE', `/api/v1/webhooks/${endpoint.json.id}`, undefined, as)).status).toBe(403);
  });
});
