/**
 * UTF-8 at the byte level, for decoders that take bytes in chunks cut anywhere and must say
 * where a byte is not valid (rather than turn it into U+FFFD). Validation itself is Node's
 * `isUtf8` (simdutf): these find where a chunk may be cut, and where it went wrong.
 */
import { isUtf8 } from 'node:buffer';

/** Bytes of the UTF-8 sequence a lead byte starts (1 for ASCII and for bytes that lead none). */
export function utf8SequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

/** The length of `bytes` without a UTF-8 sequence cut by their end (0 to 3 bytes shorter). */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back += 1) {
    const byte = bytes[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    return utf8SequenceLength(byte) > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte where `bytes` stops being valid UTF-8 (their length if never). */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length = utf8SequenceLength(lead);
    if (length === 1) {
      if (lead >= 0x80) return i;
      i += 1;
      continue;
    }
    if (i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return i;
}
