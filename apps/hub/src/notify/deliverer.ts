import type { WebhookSettings } from '../config';
import type { HubContext } from '../context';
import { TRANSFERS_PER_ROW } from '../outbox/events';
import type { Leadership } from '../sealer/leader';
import * as repo from '../storage/repo';
import { nextAttempt } from './backoff';
import { dispatchOutbox } from './dispatch';
import { Pacer } from './pacer';
import { signedHeaders } from './signature';

/** Outbox rows per dispatch transaction: short, so ingest never waits long for the writer. */
const DISPATCH_ROWS_MAX = 20;
/**
 * Messages per dispatch transaction while tills push (the pacer is busy): one
 * `transfer.applied` row (outbox/events.ts), or small rows together. The main
 * thread is the ingest's serial stage; a transaction of a push's thousand
 * messages took it for 40–60 ms, which the pacer's pause after it could not
 * give back within a run of a second or two.
 */
const DISPATCH_MESSAGES_MAX_WHILE_INGESTING = TRANSFERS_PER_ROW;
/** Dispatch transactions per round, so a flood of events still leaves the queues their turn. */
const DISPATCH_ROUNDS_MAX = 50;
/** Attempts remembered per delivery, for the dashboard (the count keeps going). */
const ATTEMPT_LOG_MAX = 20;
/** Bytes of an endpoint's answer kept as the attempt's error. */
const ANSWER_CHARS_MAX = 200;

export interface Attempt {
  at: string;
  /** The HTTP status, or null when none came (refused, timed out). */
  status: number | null;
  error: string | null;
  ms: number;
}

/**
 * Sends the deliveries: in every round, turns the outbox into deliveries, then
 * runs one lane per endpoint with a delivery due. A lane sends its endpoint's
 * deliveries one at a time in their order (per-endpoint order), so a slow or
 * failing endpoint holds up only itself; lanes run side by side, and nothing
 * here is awaited by ingest. One deliverer per database (`leader`).
 */
export class Deliverer {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** Ingest first: delivery work yields while tills push (pacer.ts). */
  readonly pacer: Pacer;

  constructor(
    private readonly context: HubContext,
    private readonly settings: WebhookSettings,
    private readonly leader: Leadership,
    private readonly onError: (error: unknown) => void,
    private readonly random: () => number = Math.random,
  ) {
    this.pacer = new Pacer({ onUnit: (ms, whileIngesting) => context.events.emit('webhook-work', { ms, whileIngesting }) });
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.settings.pollMs);
  }

  /** Starts a round now unless one is running. */
  wake(): void {
    if (this.round || this.stopping.signal.aborted) return;
    this.round = this.runRound()
      .catch(this.onError)
      .finally(() => (this.round = null));
  }

  /** Stops the rounds, aborts the requests in flight (their deliveries stay pending) and waits for the lanes. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    await this.round;
    await Promise.all(this.lanes.values());
    await this.leader.release();
  }

  private async runRound(): Promise<void> {
    if (!(await this.leader.acquire())) return;
    for (let round = 0; round < DISPATCH_ROUNDS_MAX && !this.stopping.signal.aborted; round++) {
      // The budget is decided when the unit starts, after any pause: tills may have started or stopped meanwhile.
      const { taken, more } = await this.pacer.run(
        () => dispatchOutbox(this.context, DISPATCH_ROWS_MAX, this.pacer.busy() ? DISPATCH_MESSAGES_MAX_WHILE_INGESTING : Infinity),
        this.stopping.signal,
      );
      if (taken < DISPATCH_ROWS_MAX && !more) break;
    }
    for (const endpoint of await repo.listWebhookEndpoints(this.context.storage.read)) {
      if (this.lanes.has(endpoint.id) || this.lanes.size >= this.settings.endpointsInFlightMax || this.stopping.signal.aborted) continue;
      const lane = this.runLane(endpoint)
        .catch(this.onError)
        .finally(() => this.lanes.delete(endpoint.id));
      this.lanes.set(endpoint.id, lane);
    }
  }

  /** The endpoint's due deliveries, oldest first, until one must wait for its retry. */
  private async runLane(endpoint: repo.WebhookEndpoint): Promise<void> {
    while (!this.stopping.signal.aborted) {
      // The database work is paced; waiting for the endpoint is not, so a slow
      // endpoint books no pause for the others.
      const head = await this.pacer.run(() => repo.headDelivery(this.context.storage.read, endpoint.id), this.stopping.signal);
      if (!head || Date.parse(head.nextAttemptAt) > this.context.clock.now().getTime()) return;
      const attempt = await this.send(endpoint, head);
      if (attempt === null) return;
      await this.pacer.run(() => this.record(head, attempt), this.stopping.signal);
    }
  }

  /** One POST; null when the hub is stopping (the delivery is sent again after the restart). */
  private async send(endpoint: repo.WebhookEndpoint, delivery: repo.WebhookDelivery): Promise<Attempt | null> {
    const started = this.context.clock.now();
    const headers = signedHeaders(endpoint.secret, delivery.messageId, Math.floor(started.getTime() / 1000), delivery.body);
    const timer = performance.now();
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'fedow-webhooks/1', ...headers },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.settings.timeoutMs), this.stopping.signal]),
      });
      const answer = (await response.text()).slice(0, ANSWER_CHARS_MAX);
      const ok = response.status >= 200 && response.status < 300;
      return { at: started.toISOString(), status: response.status, error: ok ? null : answer || response.statusText, ms: Math.round(performance.now() - timer) };
    } catch (error) {
      if (this.stopping.signal.aborted) return null;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.settings.timeoutMs} ms` : describe(error);
      return { at: started.toISOString(), status: null, error: reason, ms: Math.round(performance.now() - timer) };
    }
  }

  private async record(delivery: repo.WebhookDelivery, attempt: Attempt): Promise<void> {
    const attempts = delivery.attempts + 1;
    const log = [...(JSON.parse(delivery.attemptLog) as Attempt[]), attempt].slice(-ATTEMPT_LOG_MAX);
    const firstAttemptAt = delivery.firstAttemptAt ?? attempt.at;
    const now = this.context.clock.now();
    const delivered = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const next = delivered ? null : nextAttempt(this.settings.retry, attempts, Date.parse(firstAttemptAt), now.getTime(), this.random());
    const status = delivered ? 'delivered' : next!.kind === 'dead' ? 'dead' : 'pending';
    // Not durable: a commit per message sent, each waiting for the disk, had the tills'
    // pushes queue behind their fsyncs. A power cut may lose the record; the message
    // then goes again under the same webhook-id (at least once, as a kill does).
    await this.context.storage.transaction(
      (tx) =>
        repo.recordDeliveryAttempt(tx, delivery.id, {
          status,
          attempts,
          attemptLog: JSON.stringify(log),
          firstAttemptAt,
          nextAttemptAt: next?.kind === 'retry' ? new Date(next.atMs).toISOString() : delivery.nextAttemptAt,
          finishedAt: status === 'pending' ? null : now.toISOString(),
        }),
      { durable: false },
    );
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket's error (ECONNREFUSED, …) as its cause.
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
