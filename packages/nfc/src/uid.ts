/** UIDs as the till stores them: uppercase hex of 4, 7 or 10 bytes (ISO 14443-3 single, double, triple size). */
export const UID_BYTE_LENGTHS = [4, 7, 10] as const;
export type UidByteLength = (typeof UID_BYTE_LENGTHS)[number];

export type UidResult = { ok: true; uid: string } | { ok: false; code: 'uid_length' | 'uid_format'; message: string };

export function isUidByteLength(length: number): length is UidByteLength {
  return (UID_BYTE_LENGTHS as readonly number[]).includes(length);
}

export function uidFromBytes(bytes: Uint8Array): UidResult {
  if (!isUidByteLength(bytes.length)) {
    return { ok: false, code: 'uid_length', message: `UID of ${bytes.length} bytes; expected 4, 7 or 10` };
  }
  return { ok: true, uid: Buffer.from(bytes).toString('hex').toUpperCase() };
}

export function uidFromHex(text: string): UidResult {
  if (!/^[0-9a-fA-F]*$/.test(text) || text.length % 2 !== 0) {
    return { ok: false, code: 'uid_format', message: `"${text}" is not an even number of hex digits` };
  }
  return uidFromBytes(Buffer.from(text, 'hex'));
}
