import type { OfflinePolicyPatch } from '@fedow/protocol';
import { integer, UsageError } from './io';

/** The flags of the offline policy (TILL.md), shared by `places --policy` and `terminals --policy`. */
export const POLICY_OPTIONS = {
  'max-offline-sale': { type: 'string' },
  'max-offline-card-spend': { type: 'string' },
  'max-offline-exposure': { type: 'string' },
  'max-offline-minutes': { type: 'string' },
  'offline-refunds': { type: 'string' },
  'unknown-card-top-up': { type: 'string' },
} as const;

export const POLICY_USAGE =
  '[--max-offline-sale CENTS] [--max-offline-card-spend CENTS] [--max-offline-exposure CENTS] [--max-offline-minutes N] [--offline-refunds yes|no] [--unknown-card-top-up yes|no]';

/** The policy fields given on the command line; amounts in minor units of the asset. */
export function policyPatch(values: Record<string, unknown>): OfflinePolicyPatch {
  const patch: OfflinePolicyPatch = {};
  const number = (flag: keyof typeof POLICY_OPTIONS) => (typeof values[flag] === 'string' ? integer(values[flag], flag) : undefined);
  const flag = (name: keyof typeof POLICY_OPTIONS) => (typeof values[name] === 'string' ? yesNo(values[name], name) : undefined);
  const fields = {
    maxOfflineSale: number('max-offline-sale'),
    maxOfflineCardSpend: number('max-offline-card-spend'),
    maxOfflineExposure: number('max-offline-exposure'),
    maxOfflineMinutes: number('max-offline-minutes'),
    offlineRefunds: flag('offline-refunds'),
    unknownCardTopUp: flag('unknown-card-top-up'),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(patch, { [key]: value });
  return patch;
}

export function yesNo(text: string, name: string): boolean {
  if (/^(yes|true|1|on)$/i.test(text)) return true;
  if (/^(no|false|0|off)$/i.test(text)) return false;
  throw new UsageError(`--${name} must be yes or no, got "${text}"`);
}
