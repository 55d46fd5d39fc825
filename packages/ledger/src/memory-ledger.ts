import type { AssetCategory, EntryBody, MeltPolicy, MeltRule, OfflinePolicy } from '@fedow/protocol';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import type { TransferRecord } from './blocks';
import { supplyChange, transferDeltas } from './deltas';
import type { Asset, Card, Federation, Place, User } from './entities';
import { balanceKey, firstTagIdOf } from './entities';
import { decideWithMelts } from './melt';
import { decideFirst } from './rules-operator';
import { decideEntry } from './rules-till';
import type { Decision, DecisionContext, LedgerState } from './state';
import { commit, emptyState, indexCard } from './state';

/** Deterministic ids for a ledger that must not draw randomness: `prefix-000…n`. */
export function counterIds(prefix = '00000000-0000-7000-8000'): () => string {
  let next = 0;
  return () => `${prefix}-${(next++).toString(16).padStart(12, '0')}`;
}

/**
 * The whole ledger in memory: state, the transfer log in commit order, and the
 * outcome of every entry. Used by tests and the simulation; the hub runs the
 * same rules on a working set loaded from its database.
 */
export class MemoryLedger {
  readonly state: LedgerState;
  readonly transfers: TransferRecord[] = [];
  /** Every entry ever submitted, with what became of it (invariant 6). */
  readonly entries = new Map<string, { body: EntryBody; status: 'applied' | 'rejected'; reason?: string }>();
  /** Offline-authorised sales that drove a balance negative, by `wallet:asset` (invariant 5). */
  readonly debtEntries = new Map<string, string[]>();

  constructor(
    private readonly newId: () => string = counterIds(),
    primaryWallet = '00000000-0000-7000-8000-ffffffffffff',
  ) {
    this.state = emptyState(primaryWallet);
  }

  context(at: string): DecisionContext {
    return { at, newId: this.newId };
  }

  /** Applies a decision; a refusal changes nothing. */
  apply(decision: Decision): Decision {
    if (!decision.ok) return decision;
    commit(this.state, decision);
    for (const transfer of decision.transfers) this.transfers.push({ ...transfer, seq: this.transfers.length + 1, hash: null, block: null });
    for (const effect of decision.effects) {
      if (effect.type !== 'debt') continue;
      const key = balanceKey(effect.wallet, effect.asset);
      this.debtEntries.set(key, [...(this.debtEntries.get(key) ?? []), ...decision.transfers.map((transfer) => transfer.entry ?? '')]);
    }
    return decision;
  }

  /** A till entry: decided, applied or rejected, and remembered either way. Replays are idempotent. */
  applyEntry(body: EntryBody, till: { place: string; policy?: OfflinePolicy }, at: string): Decision | 'duplicate' {
    if (this.entries.has(body.id)) return 'duplicate';
    const context = { ...this.context(at), place: till.place, policy: till.policy ?? DEFAULT_OFFLINE_POLICY };
    const decision = this.apply(decideWithMelts(this.state, context, (state) => decideEntry(state, body, context)));
    this.entries.set(body.id, decision.ok ? { body, status: 'applied' } : { body, status: 'rejected', reason: decision.code });
    return decision;
  }

  // ── setup, as the hub's admin API does it ──────────────────────────────────

  addPlace(fields: { id?: string; name: string; enrollUnknownCards?: boolean; policy?: OfflinePolicy }): Place {
    const wallet = this.newId();
    this.state.wallets.set(wallet, { id: wallet, kind: 'place', name: fields.name, publicKey: null });
    const place: Place = {
      id: fields.id ?? this.newId(),
      name: fields.name,
      description: '',
      wallet,
      enrollUnknownCards: fields.enrollUnknownCards ?? false,
      policy: fields.policy ?? DEFAULT_OFFLINE_POLICY,
    };
    this.state.places.set(place.id, place);
    this.state.placeByWallet.set(wallet, place.id);
    return place;
  }

  addAsset(fields: { name: string; category: AssetCategory; origin: string; currencyCode?: string; membershipDays?: number }, at: string): Asset {
    const asset: Asset = {
      id: this.newId(),
      name: fields.name,
      currencyCode: fields.currencyCode ?? fields.category,
      category: fields.category,
      decimals: fields.category === 'BDG' ? 0 : 2,
      origin: fields.origin,
      archived: false,
      createdAt: at,
      membershipDays: fields.membershipDays ?? (fields.category === 'SUB' ? 365 : null),
    };
    this.state.assets.set(asset.id, asset);
    const first = this.apply(decideFirst(this.state, asset, this.context(at)));
    if (!first.ok) throw new Error(`addAsset: ${first.message}`);
    return asset;
  }

  /** Melt policy versions, per asset, in the order they were set (what `fedow verify` reads). */
  readonly meltPolicies = new Map<string, MeltPolicy[]>();

  /** Sets (or, with null, stops) an asset's melting from `at`; the origin's melt wallet is made on first need. */
  setMelt(assetId: string, rule: MeltRule | null, at: string): MeltPolicy {
    const asset = this.state.assets.get(assetId);
    if (!asset) throw new Error(`setMelt: unknown asset ${assetId}`);
    const history = this.meltPolicies.get(assetId) ?? [];
    const wallet = history[0]?.wallet ?? this.newId();
    if (!this.state.wallets.has(wallet)) this.state.wallets.set(wallet, { id: wallet, kind: 'place', name: `${asset.name} melt`, publicKey: null });
    const policy: MeltPolicy = { id: this.newId(), asset: assetId, rule, wallet, since: at };
    this.meltPolicies.set(assetId, [...history, policy]);
    if (rule === null) this.state.melts.delete(assetId);
    else this.state.melts.set(assetId, policy);
    return policy;
  }

  addFederation(name: string, places: string[], assets: string[]): Federation {
    const federation: Federation = { id: this.newId(), name, description: '', places: [...places], assets: [...assets] };
    this.state.federations.set(federation.id, federation);
    return federation;
  }

  addCard(uid: string, fields: { primaryFor?: string[] } = {}): Card {
    const card: Card = {
      id: this.newId(),
      firstTagId: firstTagIdOf(uid),
      uid: uid.length > 8 ? uid : null,
      qrcode: null,
      numberPrinted: null,
      batch: null,
      user: null,
      ephemeralWallet: null,
      primaryFor: fields.primaryFor ?? [],
      lostAt: null,
    };
    this.state.cards.set(card.id, card);
    indexCard(this.state, card);
    return card;
  }

  addUser(email: string): User {
    const wallet = this.newId();
    this.state.wallets.set(wallet, { id: wallet, kind: 'user', name: email, publicKey: null });
    const user: User = { id: this.newId(), email: email.toLowerCase(), wallet };
    this.state.users.set(user.id, user);
    return user;
  }

  // ── invariants ─────────────────────────────────────────────────────────────

  /** The first broken invariant of LEDGER.md among 1, 2 and 5, or null. */
  checkInvariants(): string | null {
    const replayed = new Map<string, number>();
    const supply = new Map<string, number>();
    for (const transfer of this.transfers) {
      const asset = this.state.assets.get(transfer.asset);
      if (!asset) return `transfer ${transfer.seq} of unknown asset`;
      for (const { wallet, delta } of transferDeltas(transfer, asset.category, this.state.primaryWallet)) {
        const key = balanceKey(wallet, transfer.asset);
        replayed.set(key, (replayed.get(key) ?? 0) + delta);
      }
      supply.set(asset.id, (supply.get(asset.id) ?? 0) + supplyChange(transfer, asset.category, this.state.primaryWallet));
    }
    const totals = new Map<string, number>();
    for (const [key, value] of this.state.balances) {
      if ((replayed.get(key) ?? 0) !== value) return `invariant 2: balance ${key} is ${value}, replay gives ${replayed.get(key) ?? 0}`;
      const asset = key.slice(key.indexOf(':') + 1);
      totals.set(asset, (totals.get(asset) ?? 0) + value);
      if (value < 0 && !(this.debtEntries.get(key)?.length)) return `invariant 5: ${key} is ${value} without an offline-authorised sale`;
    }
    for (const [key, value] of replayed) {
      if (value !== 0 && !this.state.balances.has(key)) return `invariant 2: balance ${key} missing, replay gives ${value}`;
    }
    for (const [asset, total] of totals) {
      if (total !== (supply.get(asset) ?? 0)) return `invariant 1: asset ${asset} sums to ${total}, issued − destroyed is ${supply.get(asset) ?? 0}`;
    }
    return null;
  }
}
