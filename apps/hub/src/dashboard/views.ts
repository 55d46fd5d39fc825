/**
 * The JSON the dashboard's API returns: shared by the hub's routes and the browser
 * code (type-only imports, so nothing of the hub is bundled for the browser).
 */

import type { CardView } from '../directory/cards';
import type { DeliveryView, EndpointView } from '../notify/endpoints';

export type AssetCategory = 'FED' | 'TLF' | 'TNF' | 'TIM' | 'FID' | 'BDG' | 'SUB';

export interface AssetInfo {
  id: string;
  name: string;
  code: string;
  category: AssetCategory;
  decimals: number;
  archived: boolean;
}

export interface PlaceInfo {
  id: string;
  name: string;
  /** The place's offline policy cap for one sale, in minor units. */
  maxOfflineSale: number | null;
}

export type OperatorRole = 'admin' | 'cashdesk' | 'viewer';

export interface Meta {
  /** The signed-in token: the page hides what its role may not do (the hub refuses it anyway). */
  operator: { name: string; role: OperatorRole };
  places: PlaceInfo[];
  assets: AssetInfo[];
  hub: string;
  now: string;
  /** Stripe is configured: the card page offers a Checkout. */
  stripe: boolean;
}

/** At a glance: `online`, `offline` (not connected), `frozen` (fork), `revoked`. */
export type TillState = 'online' | 'offline' | 'frozen' | 'revoked';

export interface TillRow {
  id: string;
  name: string;
  place: string;
  placeName: string;
  state: TillState;
  /** Connected since (online) or offline since (when this hub saw it leave, else its last sync). */
  since: string | null;
  /** Entries the till holds that the hub has not acknowledged (online tills only). */
  waiting: number | null;
  lastSeenAt: string | null;
  /** The last push the hub committed. */
  lastSyncAt: string | null;
  lastSeq: number;
  rejected: number;
}

export type AlertKind = 'rejected' | 'quarantined' | 'quarantine_flood' | 'fork' | 'debt' | 'offline_policy' | 'correction' | 'shift';

/** Where the entries behind an alert are: by id, or a till's latest entries. */
export type EntriesLink = { ids: string[] } | { terminal: string };
/** The requests behind a correction alert: the audit page's query. */
export interface AuditLink {
  audit: string;
}

export interface Alert {
  kind: AlertKind;
  at: string | null;
  terminal: { id: string; name: string } | null;
  placeName: string | null;
  card: string | null;
  asset: string | null;
  amount: number | null;
  /** A stable code (rule code, `fork`, …): the page translates it. */
  reason: string | null;
  entries: EntriesLink | AuditLink;
  /** A correction's operator (the token's name) and reason, in the operator's words. */
  operator?: string;
  note?: string;
  /** How many entries the alert stands for, when it is not one (a till's quarantine). */
  count?: number;
}

export interface Overview {
  tills: TillRow[];
  alerts: Alert[];
  now: string;
}

export interface MoneyAsset {
  asset: AssetInfo;
  /** Σ CRE + Σ SUB: money issued. */
  created: number;
  /** Σ positive balances of user and ephemeral (card) wallets. */
  userWallets: number;
  /** Σ balances of place wallets and of the federation's primary wallet. */
  places: number;
  /** Σ RFD of local assets + Σ BNK: money that left the system. */
  destroyed: number;
  /** Σ negative balances of card wallets (≤ 0). */
  debt: number;
  /** Σ COR effects. */
  corrections: number;
  /** Σ of every balance. */
  balances: number;
  /** created − destroyed + corrections: what Σ balances must be (LEDGER.md invariant 1). */
  expected: number;
  ok: boolean;
}

export interface MoneyReport {
  assets: MoneyAsset[];
  places: { id: string; name: string; totals: Record<string, number> }[];
  /** Transfers per minute over the last hour, oldest first, 60 buckets. */
  perMinute: { minute: string; transfers: number }[];
  now: string;
}

export interface BlockRow {
  height: number;
  transfers: number;
  sealedAt: string;
  hash: string;
}

export interface VerifyState {
  phase: 'transfers' | 'balances' | 'entries' | 'debts';
  done: number;
  total: number;
}

export interface ChainReport {
  blocks: BlockRow[];
  unsealed: number;
  lastVerify: { startedAt: string; finishedAt: string | null; ok: boolean | null; firstDiscrepancy: string | null; transfersChecked: number } | null;
  running: VerifyState | null;
}

export interface EntryRow {
  id: string;
  terminal: string;
  terminalName: string;
  seq: number;
  status: 'applied' | 'rejected' | 'quarantined';
  reason: string | null;
  receivedAt: string;
  body: unknown;
}

/** The card as `fedow cards --show` gives it, with its memberships and latest transfers. */
export interface CardPage extends CardView {
  memberships: { asset: string; start: string; validUntil: string; valid: boolean }[];
  /** `till`: the name of the till that signed it; null for the cash desk, a wallet or a provider. */
  transfers: { seq: number; action: string; asset: string; amount: number; at: string; direction: 'in' | 'out'; counterpart: string | null; till: string | null }[];
  /** Days of time spent booked for the card (issue 14.4), the latest first; minutes of a TIM asset. */
  timeSpent: { day: string; place: string; asset: string; minutes: number }[];
}

/** A refund from the card page: how it left, and the page after it. */
export interface CardRefunded {
  via: 'stripe' | 'payout';
  amount: number;
  page: CardPage;
}

export interface PairingCode {
  code: string;
  place: string;
  name: string;
  expiresAt: string;
}

/** The pairing page: codes waiting for their till, and where tills on the network reach the hub. */
export interface PairingInfo {
  pending: { place: string; name: string; createdAt: string; expiresAt: string }[];
  /** LAN addresses of the hub; empty when it listens on loopback only. */
  addresses: string[];
  loopbackOnly: boolean;
}

export interface TokenRow {
  name: string;
  role: OperatorRole;
  createdAt: string;
  revokedAt: string | null;
}

/** A request of the audit page (as `GET /api/v1/requests` gives it). */
export interface AuditRow {
  id: string;
  at: string;
  source: string;
  actor: string;
  kind: string;
  status: 'applied' | 'rejected';
  reason: string | null;
  note: string | null;
  transfers: { seq: number; action: string; sender: string; receiver: string; asset: string; amount: number }[];
}

/** Server-sent events on /dashboard/api/events. */
export type Topic = 'tills' | 'alerts' | 'money' | 'chain' | 'cards' | 'directory';
export interface StreamEvents {
  changed: { topics: Topic[] };
  tick: { now: string };
  verify: VerifyState;
  'verify-done': { ok: boolean; firstDiscrepancy: string | null; transfersChecked: number; durationMs: number } | { ok: false; error: string };
}

/** The payouts screen: payouts waiting for approval and the latest batches, with their payouts (amounts in cents). */
export interface PayoutsPage {
  requested: import('@fedow/protocol').Payout[];
  batches: import('@fedow/protocol').PayoutBatch[];
  /** The SEPA file can be made: the federation's account is set (FEDOW_SEPA_*). */
  sepaReady: boolean;
}

/** The webhooks screen: endpoints and the latest deliveries (notify/endpoints.ts). */
export interface WebhooksPage {
  endpoints: EndpointView[];
  deliveries: DeliveryView[];
}
