import type { WedgeFormat } from '@fedow/nfc';

/**
 * The keyboard wedge's format, from the environment (hardware/README.md): it
 * must match the reader's switches, or every UID reads as another card.
 *   FEDOW_WEDGE_ENCODING       hex | decimal (default hex)
 *   FEDOW_WEDGE_BYTE_ORDER     as-read | reversed (default as-read)
 *   FEDOW_WEDGE_DECIMAL_BYTES  4 | 7 | 10: the UID length a decimal number stands for (default: the smallest that fits)
 */
export function wedgeFormatFromEnv(env: NodeJS.ProcessEnv): { ok: true; format: WedgeFormat } | { ok: false; message: string } {
  const encoding = (env.FEDOW_WEDGE_ENCODING ?? 'hex').trim();
  if (encoding !== 'hex' && encoding !== 'decimal') return { ok: false, message: `FEDOW_WEDGE_ENCODING must be hex or decimal, not "${encoding}"` };
  const byteOrder = (env.FEDOW_WEDGE_BYTE_ORDER ?? 'as-read').trim();
  if (byteOrder !== 'as-read' && byteOrder !== 'reversed') return { ok: false, message: `FEDOW_WEDGE_BYTE_ORDER must be as-read or reversed, not "${byteOrder}"` };
  const bytes = env.FEDOW_WEDGE_DECIMAL_BYTES?.trim();
  if (bytes === undefined || bytes === '') return { ok: true, format: { encoding, byteOrder } };
  if (bytes !== '4' && bytes !== '7' && bytes !== '10') return { ok: false, message: `FEDOW_WEDGE_DECIMAL_BYTES must be 4, 7 or 10, not "${bytes}"` };
  return { ok: true, format: { encoding, byteOrder, decimalBytes: Number(bytes) as 4 | 7 | 10 } };
}
