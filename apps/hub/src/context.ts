/**
 * What every room of the hub is handed: storage, key, clock, ids, events and
 * presence, built once by app.ts (`openHubContext`). It owns no behaviour: each
 * part lives in its own module (clock.ts, ids.ts, events.ts, sync/presence.ts),
 * and state that lives as long as the hub hangs here rather than in a module.
 */
import type { Clock, Timers } from './clock';
import type { HubEmitter } from './events';
import type { HubKey } from './identity/key-file';
import type { StripeProvider } from './money/providers/stripe';
import type { Sealer } from './sealer/sealer';
import type { Storage } from './storage/types';
import type { Presence } from './sync/presence';

export interface HubContext {
  presence: Presence;
  storage: Storage;
  key: HubKey;
  genesis: string;
  clock: Clock;
  timers: Timers;
  newId: () => string;
  events: HubEmitter;
  /** This process's id among the processes sharing the database (signals/relay.ts). */
  instance: string;
  /** Stripe when configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); null otherwise. */
  stripe: StripeProvider | null;
  /**
   * The sealer running on this context (sealer/plugin.ts), so `sealNow` goes
   * through it instead of racing it; null without one (the CLI, a stopped hub).
   */
  sealer: Sealer | null;
}
