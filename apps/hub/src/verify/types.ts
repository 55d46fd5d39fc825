import type { Discrepancy } from '@fedow/ledger';

export type VerifyPhase = 'transfers' | 'balances' | 'entries' | 'debts';

export interface VerifyProgress {
  phase: VerifyPhase;
  done: number;
  total: number;
}

export type Progress = (progress: VerifyProgress) => void;

export type DiscrepancyKind =
  | Discrepancy['kind']
  /** Block 0 does not start from the hub's genesis hash. */
  | 'genesis'
  /** Invariant 3: an entry's hash, signature or link, or a stored column that differs from its signed body. */
  | 'entry_hash'
  | 'entry_signature'
  | 'entry_link'
  | 'entry_duplicate'
  | 'entry_body'
  /** Invariant 3: the terminal row's lastSeq / lastHash disagree with its entries. */
  | 'terminal_head'
  /** An applied entry without its transfers, or a transfer of an entry that was not applied. */
  | 'entry_transfers'
  /** A request's stored body no longer hashes to its hash. */
  | 'request_body'
  /** A transfer of a request that was not applied, or of both an entry and a request. */
  | 'request_transfers'
  /** Invariant 5: a negative balance without an offline-authorised sale behind it. */
  | 'debt'
  /** A compensation run whose settlement is not the one its claims give, or a CMP transfer outside a run. */
  | 'compensation'
  /** A cashier shift that is not what its signed entries and the ledger's cash movements give. */
  | 'shift';

export interface VerifyDiscrepancy {
  kind: DiscrepancyKind;
  /** Transfer seq, or the entry's seq in its terminal's chain when `terminal` is set. */
  seq?: number;
  height?: number;
  terminal?: string;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  transfersChecked: number;
  blocksChecked: number;
  entriesChecked: number;
  firstDiscrepancy: VerifyDiscrepancy | null;
  durationMs: number;
}
