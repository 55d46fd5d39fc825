/**
 * LaBoutik's Stripe card terminal (TPE), as the original Fedow reads it: the
 * payment intent's metadata carries `data`, a JSON string
 * `{"fedow_place_uuid": …, "tag_id": …}`, and `signature`, RSA-PSS by the
 * place's cashless key over base64url of that string (the KP rule). A Lespass
 * place (a domain, no cashless key) is not asked for the signature, as with the
 * original. What it names is the card the payment credits with FED.
 */
import * as repo from '../../storage/repo';
import type { Tx } from '../../storage/types';
import { b64urlPadded, verifyPss } from '../../crypto/rsa';

/** The card to credit, or why the metadata is refused; null: not LaBoutik's form at all. */
export type TerminalReading = { kind: 'card'; tag: string; place: string } | { kind: 'refused'; reason: string };

const DATA_CHARS_MAX = 500;

export async function laboutikTerminalCard(tx: Tx, metadata: Record<string, string> | null | undefined): Promise<TerminalReading | null> {
  const data = metadata?.data;
  if (typeof data !== 'string') return null;
  const fields = data.length <= DATA_CHARS_MAX ? parsed(data) : null;
  const placeId = fields?.fedow_place_uuid;
  if (typeof placeId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(placeId)) return refused('bad_metadata');
  const place = await repo.getCompatPlace(tx, placeId.toLowerCase());
  if (!place) return refused('unknown_place');
  const pem = place.cashlessRsaPubKey;
  if (pem) {
    if (!verifyPss(pem, b64urlPadded(data), metadata?.signature ?? '')) return refused('bad_signature');
  } else if (!place.lespassDomain) {
    return refused('bad_signature');
  }
  const tag = fields?.tag_id;
  if (typeof tag !== 'string' || !/^[0-9A-Fa-f]{8}$/.test(tag)) return refused('no_card');
  return { kind: 'card', tag: tag.toUpperCase(), place: place.placeId };
}

function refused(reason: string): TerminalReading {
  return { kind: 'refused', reason };
}

function parsed(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
