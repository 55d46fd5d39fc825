const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** Value of each ASCII hex digit, -1 for any other character. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  NIBBLE[digit.toString(16).charCodeAt(0)] = digit;
  NIBBLE[digit.toString(16).toUpperCase().charCodeAt(0)] = digit;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError('not an even-length hex string');
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    const high = nibble(hex.charCodeAt(2 * index));
    const low = nibble(hex.charCodeAt(2 * index + 1));
    if (high < 0 || low < 0) throw new TypeError('not an even-length hex string');
    bytes[index] = (high << 4) | low;
  }
  return bytes;
}

function nibble(code: number): number {
  return code < 128 ? NIBBLE[code]! : -1;
}
