/**
 * A real HTTP endpoint for the outgoing webhooks' tests: it answers each request
 * as its script says (fail, hang past the hub's timeout, answer slowly, succeed),
 * verifies every signature with the reference Standard Webhooks library (not the
 * hub's code), and keeps what it accepted, in arrival order.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Behaviour = { kind: 'fail'; status: number } | { kind: 'hang' } | { kind: 'slow'; ms: number } | { kind: 'ok' };

export interface Received {
  id: string;
  type: string;
  data: Record<string, any>;
  body: string;
}

export class WebhookReceiver {
  /** Accepted messages (answered 2xx), in the order they were accepted. */
  readonly accepted: Received[] = [];
  /** Every request, whatever the answer. */
  requests = 0;
  badSignatures = 0;
  private secret: Webhook | null = null;
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  /** `script(n)`: how to answer the n-th request (from 1). */
  constructor(private script: (request: number) => Behaviour = () => ({ kind: 'ok' })) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  useSecret(secret: string): void {
    this.secret = new Webhook(secret);
  }

  answer(script: (request: number) => Behaviour): void {
    this.script = script;
  }

  ids(): string[] {
    return this.accepted.map((message) => message.id);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const number = ++this.requests;
    const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
    try {
      this.secret!.verify(body, headers);
    } catch {
      this.badSignatures++;
      response.writeHead(401).end('bad signature');
      return;
    }
    const behaviour = this.script(number);
    if (behaviour.kind === 'hang') {
      this.hanging.add(response);
      response.on('close', () => this.hanging.delete(response));
      return;
    }
    if (behaviour.kind === 'fail') {
      response.writeHead(behaviour.status).end('not now');
      return;
    }
    if (behaviour.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
    const parsed = JSON.parse(body) as { type: string; data: Record<string, any> };
    this.accepted.push({ id: headers['webhook-id'], type: parsed.type, data: parsed.data, body });
    response.writeHead(204).end();
  }
}

/** Waits for `condition`, polling; throws with `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
