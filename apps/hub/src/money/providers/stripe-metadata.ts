/**
 * Metadata keys this hub reads and writes on Stripe objects. A card terminal's
 * payment intent names the FED's receiver with `fedow_card` (tag, printed number
 * or QR code) or `fedow_wallet` (a user or ephemeral wallet id); Checkout Sessions
 * and refunds carry `fedow_payment` (the hub's payment id) and refunds `fedow_key`.
 */
export const METADATA = { card: 'fedow_card', wallet: 'fedow_wallet', payment: 'fedow_payment', key: 'fedow_key' } as const;
