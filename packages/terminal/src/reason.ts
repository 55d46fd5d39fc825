/**
 * The till's words: money and decline reasons in English or French. They live in
 * the shared vocabulary (@fedow/protocol/words) so that the kiosk UI, which
 * cannot load this Node package, shows the same; this module keeps the names the
 * agent and the package's users import.
 */
export {
  declineReason,
  formatAmount,
  qrDeclineReason,
  type DeclineFacts,
  type Language,
  type QrDeclineCode,
} from '@fedow/protocol';
