import type { RequestSource } from '../storage/schema-values';

/**
 * Who asks the ledger to move money, besides tills (DESIGN.md, "One path for
 * money"). Authentication happens before a request is built: a source here is
 * already proven.
 */
export type Source =
  /** An operator token, by its name; `cli` is the command line on the hub's own machine. */
  | { kind: 'operator'; name: string }
  /** A card holder's authenticated request, by wallet. */
  | { kind: 'wallet'; wallet: string }
  /** A verified payment notification, by provider (`stripe`, `manual`). */
  | { kind: 'provider'; provider: string }
  /** A Fedow-compatible API client, by its place. */
  | { kind: 'api'; place: string }
  /** The hub's own bookkeeping: the FST of the FED asset at first start. */
  | { kind: 'hub' };

/** The name of the command line as an operator, in every request it records. */
export const CLI_OPERATOR = 'cli';

export function sourceColumns(source: Source): { source: RequestSource; actor: string } {
  switch (source.kind) {
    case 'operator':
      return { source: 'operator', actor: source.name };
    case 'wallet':
      return { source: 'wallet', actor: source.wallet };
    case 'provider':
      return { source: 'provider', actor: source.provider };
    case 'api':
      return { source: 'api', actor: source.place };
    case 'hub':
      return { source: 'hub', actor: 'hub' };
  }
}
