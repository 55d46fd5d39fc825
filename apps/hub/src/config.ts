import { dirname, join } from 'node:path';
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
    blockTransfersMax: overrides.blockTransfersMax ?? 1_000,
    blockMsMax: overrides.blockMsMax ?? 1_000,
    meltSweepMs: overrides.meltSweepMs ?? Number(env.FEDOW_MELT_SWEEP_MS ?? 3_600_000),
    metricsToken: overrides.metricsToken !== undefined ? overrides.metricsToken : env.METRICS_TOKEN || null,
    sepa: overrides.sepa ?? { name: env.FEDOW_SEPA_NAME, iban: env.FEDOW_SEPA_IBAN, bic: env.FEDOW_SEPA_BIC },
    stripe: overrides.stripe !== undefined ? overrides.stripe : stripeFromEnv(env),
  };
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

/** `hub.key` beside a SQLite file; in FEDOW_DATA_DIR (default `./data`) for PostgreSQL; none in memory. */
function defaultKeyPath(databaseUrl: string, env: NodeJS.ProcessEnv): string | null {
  if (env.HUB_KEY_FILE) return env.HUB_KEY_FILE;
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') return target.path === ':memory:' ? null : join(dirname(target.path), 'hub.key');
  return join(dataDirFromEnv(env) ?? 'data', 'hub.key');
}
