/**
 * The shape of a pre-loaded ledger history, shared by its SQLite and PostgreSQL
 * writers so both dialects hold the same rows.
 *
 * `tills` tills of the bench place each signed `perTill` entries, interleaved
 * in time; in each till, every tenth entry is a top-up (a CRE and a REF
 * transfer) of a card, and the nine after it are sales on the same card. So
 * 10 entries make 11 transfers, and `transfers` is rounded to whole groups of
 * `10 × tills` entries.
 *
 * Consistent, as the hub and `fedow verify` read them: every till's chain links
 * (each entry's prev is the previous entry's hash, the first's is the till's
 * genesis, the till's head is its last entry), every transfer names its entry,
 * its wallets, card and asset, balances are the replay of the transfers, and
 * blocks cover every transfer, each block's prev being the previous block's
 * hash. Placeholders of the right shape: the hashes and signatures (64 and 128
 * hex digits, a tag and a counter), since computing 20 million SHA-256 over JCS
 * and 9 million Ed25519 signatures would take the bench longer than it measures
 * anything; `fedow verify` on this ledger stops at the first hash.
 */
export interface HistoryPlan {
  transfers: number;
  tills: number;
  cards: number;
  /** The bench place, its wallet, the asset it is the origin of, and the cashier card. */
  place: string;
  placeWallet: string;
  originWallet: string;
  asset: string;
  cashier: string;
  cashierCardId: string;
  /** Minor units of a top-up and a sale. */
  topUp: number;
  sale: number;
  /** Time of the first entry (Unix ms) and between two entries. */
  startMs: number;
  msPerEntry: number;
  blockTransfers: number;
}

export function historyShape(plan: HistoryPlan) {
  const groups = Math.max(1, Math.round(plan.transfers / (11 * plan.tills)));
  return {
    tills: plan.tills,
    cards: plan.cards,
    groups,
    perTill: groups * 10,
    entriesCount: groups * 10 * plan.tills,
    transfersCount: groups * 11 * plan.tills,
  };
}
