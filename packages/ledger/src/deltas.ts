import type { AssetCategory, TransferAction } from '@fedow/protocol';

export interface BalanceDelta {
  wallet: string;
  delta: number;
}

/**
 * The balance changes of one transfer (LEDGER.md, "Transfer actions"). The one
 * place that says what an action does to balances: applying, replaying and the
 * conservation check all go through it.
 */
export function transferDeltas(
  transfer: { action: TransferAction; sender: string; receiver: string; amount: number },
  category: AssetCategory,
  primaryWallet: string,
): BalanceDelta[] {
  const { action, sender, receiver, amount } = transfer;
  switch (action) {
    case 'FST':
    case 'BDG':
      return [];
    case 'CRE':
    case 'SUB':
      return [{ wallet: receiver, delta: amount }];
    case 'REF':
    case 'SAL':
    case 'QRS':
    case 'FUS':
    case 'TRF':
    case 'MLT':
      return [
        { wallet: sender, delta: -amount },
        { wallet: receiver, delta: amount },
      ];
    case 'RFD':
      // Refunded FED goes to the place (it is paid back in euros); a refunded
      // local asset is destroyed at its origin, and so is FED paid back to its
      // holder by the federation (receiver: the primary wallet).
      return category === 'FED' && receiver !== primaryWallet
        ? [
            { wallet: sender, delta: -amount },
            { wallet: receiver, delta: amount },
          ]
        : [{ wallet: sender, delta: -amount }];
    case 'BNK':
      return [{ wallet: sender, delta: -amount }];
    case 'COR':
      return receiver === primaryWallet ? [{ wallet: sender, delta: -amount }] : [{ wallet: receiver, delta: amount }];
    case 'CMP':
      return compensationDeltas(sender, receiver, amount, category, primaryWallet);
  }
}

/**
 * How a transfer changes the money supply of its asset: + issued, − destroyed.
 * Written from LEDGER.md's invariant 1, independently of `transferDeltas`, so
 * that the conservation check catches a movement that creates or loses money.
 */
export function supplyChange(
  transfer: { action: TransferAction; receiver: string; amount: number },
  category: AssetCategory,
  primaryWallet: string,
): number {
  switch (transfer.action) {
    case 'CRE':
    case 'SUB':
      return transfer.amount;
    case 'BNK':
      return -transfer.amount;
    case 'RFD':
      return category === 'FED' && transfer.receiver !== primaryWallet ? 0 : -transfer.amount;
    case 'COR':
      return transfer.receiver === primaryWallet ? -transfer.amount : transfer.amount;
    case 'CMP':
      // A FED claim handed to the federation is paid in euros by its bank: it leaves.
      return category === 'FED' && transfer.receiver === primaryWallet ? -transfer.amount : 0;
    default:
      return 0;
  }
}

/**
 * `CMP` (DECISIONS.md, "Compensation"): a claim returns to its issuer — a local
 * currency to its origin place (it moves), FED to the primary wallet (the
 * federation pays it in euros: destroyed) — and a settlement between two places,
 * in FED as the unit of account, records a bank transfer made outside the
 * ledger: no balance moves.
 */
function compensationDeltas(sender: string, receiver: string, amount: number, category: AssetCategory, primaryWallet: string): BalanceDelta[] {
  if (category !== 'FED') {
    return [
      { wallet: sender, delta: -amount },
      { wallet: receiver, delta: amount },
    ];
  }
  return receiver === primaryWallet ? [{ wallet: sender, delta: -amount }] : [];
}
