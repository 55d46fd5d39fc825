import type { AssetCategory, BalanceActivity, MeltPolicy } from '@fedow/protocol';
import type { CryptoProvider } from './crypto';
import { canonicalizeKnown } from './canonical';
import { hashBody, hashText, signHash, verifyHash } from './crypto';
import { supplyChange, transferDeltas } from './deltas';
import type { TransferDraft } from './entities';
import { balanceKey } from './entities';
import { meltDue, NO_ACTIVITY } from './melt';
import { nextActivity } from './state';

/** A transfer once committed: its place in the global order, and (once sealed) its hash. */
export interface TransferRecord extends TransferDraft {
  seq: number;
  hash: string | null;
  block: number | null;
}

export interface BlockHeader {
  height: number;
  prev: string;
  firstSeq: number;
  lastSeq: number;
  /** Hash of the block's last transfer (the genesis hash for a block without transfers). */
  head: string;
  sealedAt: string;
  /** The hub's public key. */
  hub: string;
}
export interface Block extends BlockHeader {
  hash: string;
  sig: string;
}

export const ZERO_HASH = '0'.repeat(64);

/** The hub's genesis: what the first transfer and the genesis block point to. */
export function genesisHash(crypto: CryptoProvider, hub: string, createdAt: string): string {
  return hashBody(crypto, { purpose: 'fedow-genesis', hub, createdAt });
}

/** The body a transfer's hash covers: every field but hash and block, plus the previous transfer's hash. */
export function transferHashBody(transfer: TransferDraft & { seq: number }, prev: string) {
  return {
    seq: transfer.seq,
    id: transfer.id,
    action: transfer.action,
    sender: transfer.sender,
    receiver: transfer.receiver,
    asset: transfer.asset,
    amount: transfer.amount,
    card: transfer.card,
    primaryCard: transfer.primaryCard,
    entry: transfer.entry,
    at: transfer.at,
    tillAt: transfer.tillAt,
    meta: transfer.meta,
    prev,
  };
}

/** The keys of `transferHashBody` in JCS order. */
const TRANSFER_HASH_KEYS = ['action', 'amount', 'asset', 'at', 'card', 'entry', 'id', 'meta', 'prev', 'primaryCard', 'receiver', 'sender', 'seq', 'tillAt'] as const;

/**
 * hash(transferHashBody(transfer, prev)), its text written in the keys' known
 * order: the sealer and `fedow verify` hash every transfer, and listing and
 * sorting fourteen keys each time was a third of the cost (PERFORMANCE.md).
 */
export function hashTransfer(crypto: CryptoProvider, transfer: TransferDraft & { seq: number }, prev: string): string {
  return hashText(crypto, canonicalizeKnown(transferHashBody(transfer, prev), TRANSFER_HASH_KEYS));
}

export function signBlock(crypto: CryptoProvider, hubSecretKey: Uint8Array, header: BlockHeader): Block {
  const hash = hashBody(crypto, header);
  return { ...header, hash, sig: signHash(crypto, hubSecretKey, hash) };
}

export function genesisBlock(crypto: CryptoProvider, hubSecretKey: Uint8Array, hub: string, createdAt: string): Block {
  const genesis = genesisHash(crypto, hub, createdAt);
  return signBlock(crypto, hubSecretKey, { height: 0, prev: ZERO_HASH, firstSeq: 0, lastSeq: 0, head: genesis, sealedAt: createdAt, hub });
}

/**
 * Seals the next block over `transfers` (increasing seqs after `previous`).
 * Seqs follow commit order but may skip values (a PostgreSQL sequence keeps
 * the numbers of rolled-back transactions); the hash chain, not the numbering,
 * proves that nothing is missing. Returns the block and each transfer's hash.
 */
export function sealBlock(
  crypto: CryptoProvider,
  hubSecretKey: Uint8Array,
  previous: Block,
  transfers: readonly (TransferDraft & { seq: number })[],
  sealedAt: string,
): { block: Block; hashes: string[] } {
  const hashes = chainTransfers(crypto, previous, transfers);
  return { block: signNextBlock(crypto, hubSecretKey, previous, transfers, hashes, sealedAt), hashes };
}

/**
 * The hash of each transfer, chained from `previous.head`: the part of sealing
 * that grows with the block. It needs no key, so a hub can run it on another
 * thread and sign the header where the key is.
 */
export function chainTransfers(crypto: CryptoProvider, previous: Pick<Block, 'head' | 'lastSeq'>, transfers: readonly (TransferDraft & { seq: number })[]): string[] {
  if (transfers.length === 0) throw new Error('sealBlock: a block holds at least one transfer');
  let prev = previous.head;
  let lastSeq = previous.lastSeq;
  const hashes: string[] = [];
  for (const transfer of transfers) {
    if (transfer.seq <= lastSeq) throw new Error(`sealBlock: expected a seq after ${lastSeq}, got ${transfer.seq}`);
    prev = hashTransfer(crypto, transfer, prev);
    hashes.push(prev);
    lastSeq = transfer.seq;
  }
  return hashes;
}

/** The signed block over `transfers` whose chained hashes are `hashes` (from chainTransfers). */
export function signNextBlock(
  crypto: CryptoProvider,
  hubSecretKey: Uint8Array,
  previous: Block,
  transfers: readonly { seq: number }[],
  hashes: readonly string[],
  sealedAt: string,
): Block {
  if (transfers.length === 0 || hashes.length !== transfers.length) throw new Error(`sealBlock: ${transfers.length} transfers but ${hashes.length} hashes`);
  return signBlock(crypto, hubSecretKey, {
    height: previous.height + 1,
    prev: previous.hash,
    firstSeq: transfers[0]!.seq,
    lastSeq: transfers[transfers.length - 1]!.seq,
    head: hashes[hashes.length - 1]!,
    sealedAt,
    hub: previous.hub,
  });
}

// ── verification ─────────────────────────────────────────────────────────────

/** The version in force at `at`: the last one set at or before it. */
export function policyAt(versions: readonly MeltPolicy[], at: string): MeltPolicy | null {
  let found: MeltPolicy | null = null;
  for (const version of versions) if (Date.parse(version.since) <= Date.parse(at)) found = version;
  return found;
}

export interface Discrepancy {
  kind:
    | 'block_hash'
    | 'block_signature'
    | 'block_link'
    | 'block_range'
    | 'transfer_seq'
    | 'transfer_hash'
    | 'transfer_block'
    | 'unknown_asset'
    | 'balance'
    | 'conservation'
    | 'unsealed'
    | 'melt';
  seq?: number;
  height?: number;
  message: string;
}

export interface ChainFacts {
  hub: string;
  /** Category of every asset, to replay refunds. */
  categories: ReadonlyMap<string, AssetCategory>;
  primaryWallet: string;
  /** Every melt policy version, per asset, in the order they were set: to replay melts. */
  melts?: ReadonlyMap<string, readonly MeltPolicy[]>;
}

/**
 * Walks blocks and their transfers in order, checking hashes, the hub's
 * signatures and linkage, and replays every transfer into balances. Feed it
 * block by block (storage streams them); the first discrepancy stops it.
 */
export class ChainVerifier {
  private previous: Block | null = null;
  private lastSeq = 0;
  readonly replayed = new Map<string, number>();
  /** `wallet:asset` → last activity, replayed like the balances, to recompute every melt. */
  readonly activity = new Map<string, BalanceActivity>();
  /** Per asset: Σ issued − Σ destroyed, computed independently of the deltas. */
  readonly supply = new Map<string, number>();
  transfersChecked = 0;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly facts: ChainFacts,
  ) {}

  block(block: Block, transfers: readonly TransferRecord[]): Discrepancy | null {
    return this.checkHeader(block) ?? this.checkTransfers(block, transfers) ?? this.accept(block);
  }

  private checkHeader(block: Block): Discrepancy | null {
    const { hash, sig, ...header } = block;
    const at = { height: block.height };
    if (hashBody(this.crypto, header) !== hash) return { ...at, kind: 'block_hash', message: `block ${block.height}: hash does not match its contents` };
    if (block.hub !== this.facts.hub || !verifyHash(this.crypto, this.facts.hub, hash, sig)) {
      return { ...at, kind: 'block_signature', message: `block ${block.height}: not signed by the hub` };
    }
    const previous = this.previous;
    if (previous === null) {
      if (block.height !== 0 || block.prev !== ZERO_HASH) return { ...at, kind: 'block_link', message: 'the chain does not start with the genesis block' };
      return null;
    }
    if (block.height !== previous.height + 1 || block.prev !== previous.hash) {
      return { ...at, kind: 'block_link', message: `block ${block.height} does not follow block ${previous.height}` };
    }
    if (block.firstSeq <= previous.lastSeq || block.lastSeq < block.firstSeq) {
      return { ...at, kind: 'block_range', message: `block ${block.height} covers ${block.firstSeq}..${block.lastSeq}, expected to start after ${previous.lastSeq}` };
    }
    return null;
  }

  private checkTransfers(block: Block, transfers: readonly TransferRecord[]): Discrepancy | null {
    if (block.height === 0) return transfers.length === 0 ? null : { height: 0, kind: 'block_range', message: 'the genesis block holds no transfer' };
    let prev = this.previous!.head;
    for (const transfer of transfers) {
      const at = { seq: transfer.seq, height: block.height };
      if (transfer.seq <= this.lastSeq) return { ...at, kind: 'transfer_seq', message: `transfer ${transfer.seq} comes after ${this.lastSeq}: out of order` };
      if (transfer.block !== block.height) return { ...at, kind: 'transfer_block', message: `transfer ${transfer.seq} is not marked as sealed in block ${block.height}` };
      const hash = hashTransfer(this.crypto, transfer, prev);
      if (hash !== transfer.hash) return { ...at, kind: 'transfer_hash', message: `transfer ${transfer.seq}: hash does not match (altered or out of order)` };
      const replay = this.replay(transfer);
      if (replay) return replay;
      prev = hash;
      this.lastSeq = transfer.seq;
      this.transfersChecked++;
    }
    const first = transfers[0]?.seq;
    if (first !== block.firstSeq || this.lastSeq !== block.lastSeq || prev !== block.head) {
      return { height: block.height, kind: 'block_range', message: `block ${block.height} claims ${block.firstSeq}..${block.lastSeq} but holds ${first ?? 'nothing'}..${this.lastSeq}` };
    }
    return null;
  }

  private replay(transfer: TransferRecord): Discrepancy | null {
    const category = this.facts.categories.get(transfer.asset);
    if (!category) return { seq: transfer.seq, kind: 'unknown_asset', message: `transfer ${transfer.seq}: unknown asset ${transfer.asset}` };
    if (transfer.action === 'MLT') {
      const problem = this.checkMelt(transfer);
      if (problem) return { seq: transfer.seq, kind: 'melt', message: `transfer ${transfer.seq}: ${problem}` };
    }
    for (const { wallet, delta } of transferDeltas(transfer, category, this.facts.primaryWallet)) {
      const key = balanceKey(wallet, transfer.asset);
      this.replayed.set(key, (this.replayed.get(key) ?? 0) + delta);
      if (delta !== 0) this.activity.set(key, nextActivity(this.activity.get(key), transfer, wallet));
    }
    this.supply.set(transfer.asset, (this.supply.get(transfer.asset) ?? 0) + supplyChange(transfer, category, this.facts.primaryWallet));
    return null;
  }

  /** A melt takes exactly what the policy in force gives, from the replayed balance and activity, to the policy's wallet. */
  private checkMelt(transfer: TransferRecord): string | null {
    // The version the decision read (its meta): a policy set while a decision waited
    // for the ledger's lock is in force for it although its time is later.
    const versions = this.facts.melts?.get(transfer.asset) ?? [];
    const named = typeof transfer.meta?.policy === 'string' ? versions.find((version) => version.id === transfer.meta!.policy) : undefined;
    const policy = named ?? policyAt(versions, transfer.at);
    if (!policy || policy.rule === null) return 'a melt while the asset does not melt';
    if (transfer.receiver !== policy.wallet) return `a melt to ${transfer.receiver}, not to the melt wallet ${policy.wallet}`;
    const key = balanceKey(transfer.sender, transfer.asset);
    const due = meltDue(policy.rule, policy.since, this.replayed.get(key) ?? 0, this.activity.get(key) ?? NO_ACTIVITY, transfer.at);
    return transfer.amount === due ? null : `melts ${transfer.amount}, the policy gives ${due}`;
  }

  private accept(block: Block): null {
    this.previous = block;
    return null;
  }

  /** Transfers committed after the last sealed block are replayed too (they are not yet hashed). */
  unsealed(transfers: readonly TransferRecord[]): Discrepancy | null {
    for (const transfer of transfers) {
      if (transfer.seq <= this.lastSeq) return { seq: transfer.seq, kind: 'transfer_seq', message: `transfer ${transfer.seq} comes after ${this.lastSeq}: out of order` };
      if (transfer.block !== null) return { seq: transfer.seq, kind: 'unsealed', message: `transfer ${transfer.seq} names block ${transfer.block}, which is not in the chain` };
      const replay = this.replay(transfer);
      if (replay) return replay;
      this.lastSeq = transfer.seq;
      this.transfersChecked++;
    }
    return null;
  }

  /** Invariant 2: every stored balance equals the replay (both directions). */
  compareBalances(stored: ReadonlyMap<string, number>): Discrepancy | null {
    for (const [key, value] of stored) {
      const replayed = this.replayed.get(key) ?? 0;
      if (replayed !== value) return { kind: 'balance', message: `balance ${key} is ${value}, the transfers give ${replayed}` };
    }
    for (const [key, value] of this.replayed) {
      if (value !== 0 && !stored.has(key)) return { kind: 'balance', message: `balance ${key} is missing, the transfers give ${value}` };
    }
    return null;
  }

  /**
   * Each stored activity (what melting reads) equals the replay's. A balance
   * without a stored activity predates its tracking and counts from the policy's
   * `since`, which every earlier movement precedes: nothing to compare.
   */
  compareActivity(stored: ReadonlyMap<string, BalanceActivity>): Discrepancy | null {
    for (const [key, activity] of stored) {
      if (activity.at === null) continue;
      const replayed = this.activity.get(key) ?? NO_ACTIVITY;
      if (replayed.at !== activity.at || replayed.melted !== activity.melted) {
        return { kind: 'balance', message: `balance ${key} was last active at ${activity.at} with ${activity.melted} melted since, the transfers give ${replayed.at ?? 'never'} and ${replayed.melted}` };
      }
    }
    return null;
  }

  /** Invariant 1: per asset, Σ balances = Σ issued − Σ destroyed. */
  conservation(stored: ReadonlyMap<string, number>): Discrepancy | null {
    const totals = new Map<string, number>();
    for (const [key, value] of stored) {
      const asset = key.slice(key.indexOf(':') + 1);
      totals.set(asset, (totals.get(asset) ?? 0) + value);
    }
    for (const asset of new Set([...totals.keys(), ...this.supply.keys()])) {
      const total = totals.get(asset) ?? 0;
      const supply = this.supply.get(asset) ?? 0;
      if (total !== supply) return { kind: 'conservation', message: `asset ${asset}: balances sum to ${total}, issued − destroyed is ${supply}` };
    }
    return null;
  }
}
