/**
 * The vocabulary: languages, money in words and the till's decline reasons.
 * Browser-safe (no zod, no Node): the kiosk UI and the dashboard import it as
 * `@fedow/protocol/words` so their bundles carry these few functions only.
 */
export * from './language';
export * from './money';
export * from './declines';
