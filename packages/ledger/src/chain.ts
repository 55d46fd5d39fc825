import type { CryptoProvider } from './crypto';
import { verifySigned } from './crypto';

export interface SignedEntry {
  body: { seq: number; prev: string; id: string };
  hash: string;
  sig: string;
}

export type TerminalChainProblem = { seq: number; problem: 'bad_hash' | 'bad_signature' | 'seq' | 'prev' | 'duplicate_id'; message: string };

/**
 * Invariant 3 for one till: entries 1..n form one chain from its genesis, every
 * hash and signature verifies, no id appears twice. Feed entries in seq order.
 */
export class TerminalChainVerifier {
  private expectedSeq = 1;
  private prev: string;
  private readonly ids = new Set<string>();

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly publicKey: string,
    genesis: string,
  ) {
    this.prev = genesis;
  }

  next(entry: SignedEntry): TerminalChainProblem | null {
    const { seq, prev, id } = entry.body;
    if (seq !== this.expectedSeq) return { seq, problem: 'seq', message: `expected seq ${this.expectedSeq}, found ${seq}` };
    if (prev !== this.prev) return { seq, problem: 'prev', message: `entry ${seq} does not link to entry ${seq - 1}` };
    const verdict = verifySigned(this.crypto, this.publicKey, entry);
    if (verdict !== 'ok') return { seq, problem: verdict, message: `entry ${seq}: ${verdict.replace('_', ' ')}` };
    if (this.ids.has(id)) return { seq, problem: 'duplicate_id', message: `entry ${seq} reuses id ${id}` };
    this.ids.add(id);
    this.prev = entry.hash;
    this.expectedSeq++;
    return null;
  }

  get lastSeq(): number {
    return this.expectedSeq - 1;
  }
}
