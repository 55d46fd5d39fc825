import { dirname, join } from 'node:path';
import { BLOCK_MS_MAX, BLOCK_TRANSFERS_MAX, HOLDER_TRANSFER_DAILY_MAX, WEBHOOK_ENDPOINTS_IN_FLIGHT_MAX, WEBHOOK_TIMEOUT_MS } from '@fedow/protocol';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './notify/backoff';
import { dataDirFromEnv, databaseUrlFromEnv, parseDatabaseUrl } from './storage';

export interface HubConfig {
  databaseUrl: string;
  /** Path of the hub's key file; null when the key comes from HUB_KEY or the database is in memory. */
  keyPath: string | null;
  host: string;
  port: number;
  /** Logger level, or false for none. */
  log: 'info' | 'warn' | 'error' | 'debug' | false;
  /** Sealer: a block every this many transfers or this long. */
  blockTransfersMax: number;
  blockMsMax: number;
  /** The melt sweep's period (FEDOW_MELT_SWEEP_MS; 0: only on demand). */
  meltSweepMs: number;
  /** When set, `/metrics` answers only `Authorization: Bearer <this>` (METRICS_TOKEN). */
  metricsToken: string | null;
  /** The federation's bank account, debtor of the SEPA payout files (FEDOW_SEPA_NAME, FEDOW_SEPA_IBAN, FEDOW_SEPA_BIC); checked when a file is made. */
  sepa: SepaAccountSetting;
  /** Stripe, when STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set; null otherwise (its routes answer provider_not_configured). */
  stripe: StripeConfig | null;
  /** Place ↔ place compensation on a schedule (FEDOW_COMPENSATION): off, monthly or weekly. */
  compensation: 'off' | 'monthly' | 'weekly';
  /** Serve https directly (`fedow serve --tls-cert --tls-key`): the PEM certificate chain and key. Absent: plain http, behind a reverse proxy. */
  tls?: TlsConfig;
  /** Outgoing webhooks: how often the deliverer looks, how long it waits, how it retries. */
  webhooks: WebhookSettings;
  /** The card holder's page: e-mail (SMTP_URL, MAIL_FROM) and the address its links point at (FEDOW_PUBLIC_URL). */
  holder: HolderConfig;
  /**
   * The original's DEBUG-only `GET /get_new_place_token_for_test/…/`, which hands
   * anyone a new place and its pairing key (FEDOW_COMPAT_TEST_PLACES=1): for a
   * LaBoutik test bench only, never on a hub holding real money. Off by default.
   */
  compatTestPlaces?: boolean;
  /**
   * Where a place's Lespass is called when LaBoutik sells a membership
   * (FEDOW_COMPAT_LESPASS_URL, `{domain}` replaced by its Lespass domain):
   * `https://{domain}` unless a test points it at a local receiver.
   */
  compatLespassUrl?: string;
}

export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
}

export interface WebhookSettings {
  /** The outbox and the endpoints' queues are looked at this often. */
  pollMs: number;
  /** An endpoint that has not answered after this long has failed this attempt. */
  timeoutMs: number;
  /** Endpoints served at once; each has one delivery in flight at most (its order). */
  endpointsInFlightMax: number;
  retry: RetryPolicy;
}

export interface HolderConfig {
  /** Where e-mail goes (smtp://, smtps://); null hides the e-mail features of the card holder's page. */
  smtpUrl: string | null;
  mailFrom: string;
  /** The hub's address as card holders reach it (the domain printed on cards); e-mailed links start with it. */
  publicUrl: string | null;
  /** A user's transfers per asset and per day, in minor units, unless an operator set another for them. */
  transferDailyMax: number;
}

/** As set in the environment: any may be missing until a SEPA file is asked for. */
export interface SepaAccountSetting {
  name?: string;
  iban?: string;
  bic?: string;
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  /** Where Checkout sends the payer back when a request names no return URL. */
  returnUrl: string | null;
  /** Stripe's API, https://api.stripe.com by default; a stand-in's URL in tests. */
  apiBase: URL | null;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<HubConfig> = {}): HubConfig {
  const databaseUrl = overrides.databaseUrl ?? databaseUrlFromEnv(env);
  return {
    databaseUrl,
    keyPath: overrides.keyPath !== undefined ? overrides.keyPath : defaultKeyPath(databaseUrl, env),
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    port: overrides.port ?? Number(env.PORT ?? 8442),
    log: overrides.log ?? ((env.LOG_LEVEL as HubConfig['log']) || 'info'),
    blockTransfersMax: overrides.blockTransfersMax ?? BLOCK_TRANSFERS_MAX,
    blockMsMax: overrides.blockMsMax ?? BLOCK_MS_MAX,
    meltSweepMs: overrides.meltSweepMs ?? Number(env.FEDOW_MELT_SWEEP_MS ?? 3_600_000),
    metricsToken: overrides.metricsToken !== undefined ? overrides.metricsToken : env.METRICS_TOKEN || null,
    sepa: overrides.sepa ?? { name: env.FEDOW_SEPA_NAME, iban: env.FEDOW_SEPA_IBAN, bic: env.FEDOW_SEPA_BIC },
    stripe: overrides.stripe !== undefined ? overrides.stripe : stripeFromEnv(env),
    compensation: overrides.compensation ?? compensationFromEnv(env.FEDOW_COMPENSATION),
    ...(overrides.tls ? { tls: overrides.tls } : {}),
    webhooks: overrides.webhooks ?? webhooksFromEnv(env),
    holder: overrides.holder ?? holderFromEnv(env),
    compatTestPlaces: overrides.compatTestPlaces ?? env.FEDOW_COMPAT_TEST_PLACES === '1',
    compatLespassUrl: overrides.compatLespassUrl ?? env.FEDOW_COMPAT_LESPASS_URL ?? 'https://{domain}',
  };
}

/** FEDOW_WEBHOOK_* (milliseconds): the defaults suit production; tests shorten them. */
function webhooksFromEnv(env: NodeJS.ProcessEnv): WebhookSettings {
  const ms = (name: string, fallback: number): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive whole number of milliseconds, got ${value}`);
    return parsed;
  };
  return {
    pollMs: ms('FEDOW_WEBHOOK_POLL_MS', 250),
    timeoutMs: ms('FEDOW_WEBHOOK_TIMEOUT_MS', WEBHOOK_TIMEOUT_MS),
    endpointsInFlightMax: WEBHOOK_ENDPOINTS_IN_FLIGHT_MAX,
    retry: {
      firstDelayMs: ms('FEDOW_WEBHOOK_RETRY_FIRST_MS', DEFAULT_RETRY_POLICY.firstDelayMs),
      delayMsMax: ms('FEDOW_WEBHOOK_RETRY_MAX_MS', DEFAULT_RETRY_POLICY.delayMsMax),
      retryForMs: ms('FEDOW_WEBHOOK_RETRY_FOR_MS', DEFAULT_RETRY_POLICY.retryForMs),
    },
  };
}

function compensationFromEnv(value: string | undefined): HubConfig['compensation'] {
  if (value === undefined || value === '' || value === 'off') return 'off';
  if (value === 'monthly' || value === 'weekly') return value;
  throw new Error(`FEDOW_COMPENSATION is off, monthly or weekly, not ${value}`);
}

/** STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together, or no Stripe at all: half a configuration is a mistake. */
function stripeFromEnv(env: NodeJS.ProcessEnv): StripeConfig | null {
  const secretKey = env.STRIPE_SECRET_KEY ?? '';
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET ?? '';
  if (secretKey === '' && webhookSecret === '') return null;
  if (secretKey === '' || webhookSecret === '') throw new Error('set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither');
  return {
    secretKey,
    webhookSecret,
    returnUrl: env.STRIPE_RETURN_URL || null,
    apiBase: env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null,
  };
}

function holderFromEnv(env: NodeJS.ProcessEnv): HolderConfig {
  const daily = env.FEDOW_TRANSFER_DAILY_MAX === undefined || env.FEDOW_TRANSFER_DAILY_MAX === '' ? HOLDER_TRANSFER_DAILY_MAX : Number(env.FEDOW_TRANSFER_DAILY_MAX);
  if (!Number.isSafeInteger(daily) || daily < 0) throw new Error('FEDOW_TRANSFER_DAILY_MAX is a whole number of minor units');
  return {
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || 'Fedow <no-reply@fedow.invalid>',
    publicUrl: env.FEDOW_PUBLIC_URL ? env.FEDOW_PUBLIC_URL.replace(/\/+$/, '') : null,
    transferDailyMax: daily,
  };
}

/** `hub.key` beside a SQLite file; in FEDOW_DATA_DIR (default `./data`) for PostgreSQL; none in memory. */
function defaultKeyPath(databaseUrl: string, env: NodeJS.ProcessEnv): string | null {
  if (env.HUB_KEY_FILE) return env.HUB_KEY_FILE;
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') return target.path === ':memory:' ? null : join(dirname(target.path), 'hub.key');
  return join(dataDirFromEnv(env) ?? 'data', 'hub.key');
}
