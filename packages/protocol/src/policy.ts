import { z } from 'zod';
import { Amount } from './primitives';

/** The offline policy of a place, overridable per till (TILL.md). */
export const OfflinePolicy = z.strictObject({
  maxOfflineSale: Amount,
  maxOfflineCardSpend: Amount,
  maxOfflineExposure: Amount,
  maxOfflineMinutes: z.number().int().min(0).max(7 * 24 * 60),
  offlineRefunds: z.boolean(),
  unknownCardTopUp: z.boolean(),
});
export type OfflinePolicy = z.infer<typeof OfflinePolicy>;

export const DEFAULT_OFFLINE_POLICY: OfflinePolicy = {
  maxOfflineSale: 5_000,
  maxOfflineCardSpend: 10_000,
  maxOfflineExposure: 100_000,
  maxOfflineMinutes: 720,
  offlineRefunds: false,
  unknownCardTopUp: true,
};
