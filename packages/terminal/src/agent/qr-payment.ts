import { randomUUID } from 'node:crypto';
import type { AssetInfo, QrSaleResult } from '@fedow/protocol';
import type { CardCache } from '../store/card-cache';
import { formatAmount, qrDeclineReason, type Language, type QrDeclineCode } from '../reason';
import type { SyncClient } from '../sync/sync-client';
import type { Outcome } from './outcome';

/**
 * A sale paid with the card holder's payment QR code: asked of the hub, never
 * decided here (the till knows nothing of a user wallet's balance) and never
 * journaled (the hub's QRS is the record). Online only: offline, the code is
 * declined before anything is sent.
 */
export async function payWithCode(
  parts: { sync: SyncClient; cache: CardCache; language: Language; now: () => number },
  sale: { code: string; amount: number; asset: string | null },
): Promise<Outcome> {
  const { sync, cache, language, now } = parts;
  if (!sync.isOnline()) return declined('qr_offline', undefined, language, now());
  const result = await sync.qrSale({ id: randomUUID(), ...sale });
  if (!result) return declined('qr_no_answer', undefined, language, now());
  const assets = cache.assets();
  const asset = result.asset === undefined ? undefined : assets.get(result.asset);
  if (result.status === 'refused') return declined(result.reason ?? 'code_unreadable', asset && result.missing !== undefined ? { amount: result.missing, asset } : undefined, language, now(), result);
  return {
    approve: true,
    kind: 'QRS',
    card: result.wallet ?? '',
    auth: 'online',
    total: sale.amount,
    entries: [],
    balances: asset && result.balance !== undefined ? [balanceView(asset, result.balance, language)] : [],
    at: now(),
  };
}

function declined(
  code: NonNullable<QrSaleResult['reason']> | QrDeclineCode,
  missing: { amount: number; asset: AssetInfo } | undefined,
  language: Language,
  at: number,
  result?: QrSaleResult,
): Outcome {
  return {
    approve: false,
    code,
    reason: qrDeclineReason(code, missing, language),
    reasons: { en: qrDeclineReason(code, missing, 'en'), fr: qrDeclineReason(code, missing, 'fr') },
    at,
    ...(result?.wallet ? { card: result.wallet } : {}),
    ...(missing ? { missing: missing.amount, asset: missing.asset.id } : {}),
  };
}

function balanceView(asset: AssetInfo, available: number, language: Language) {
  return { asset: asset.id, name: asset.name, category: asset.category, available, formatted: formatAmount(available, asset, language) };
}
