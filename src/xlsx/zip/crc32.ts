import { crc32 as zlibCrc32 } from 'node:zlib';
import { ErrorCode, XlmergeError } from '../../errors.js';

/** The reversed CRC-32 polynomial (IEEE 802.3), as zlib uses it. */
const POLYNOMIAL = 0xedb88320;

/**
 * The CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to
 * start). Node's `zlib.crc32` (Node ≥ 20.15), named here so callers need not know where it
 * lives.
 */
export function computeCrc32(data: Uint8Array | string, previous = 0): number {
  return zlibCrc32(data, previous) >>> 0;
}

/**
 * The CRC-32 of `A ‖ B` from `crcA = crc32(A)`, `crcB = crc32(B)` and B's length, without
 * reading the bytes again: zlib's `crc32_combine`, by the GF(2) matrix method.
 *
 * The writer needs it because a sheet's prefix (the header row) is only known after its body
 * has been streamed out. Appending `lengthB` zero bits to A's CRC register is a linear map over
 * GF(2); the loop applies it by repeated squaring of the one-zero-bit operator, so the cost is
 * O(log lengthB) 32×32 matrix products. `lengthB` may exceed 2³² (it is a byte count of a body
 * that can be larger than 4 GiB), so it is halved with arithmetic, not bit shifts.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) {
    throw new XlmergeError(
      ErrorCode.Internal,
      `crc32Combine: expected a byte count, got ${lengthB}`,
    );
  }
  if (lengthB === 0) return crcA >>> 0;
  const even = new Uint32Array(32); // operator for an even power of two zero bits
  const odd = new Uint32Array(32); // operator for an odd power of two zero bits
  // The operator for one zero bit: shift right, xor in the polynomial when the low bit was 1.
  odd[0] = POLYNOMIAL;
  let row = 1;
  for (let n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  squareMatrix(even, odd); // two zero bits
  squareMatrix(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let remaining = lengthB;
  // The first squaring below gives the operator for one zero byte (eight bits).
  for (;;) {
    squareMatrix(even, odd);
    if (remaining % 2 === 1) crc = multiplyMatrix(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    squareMatrix(odd, even);
    if (remaining % 2 === 1) crc = multiplyMatrix(odd, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

function multiplyMatrix(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  let bits = vector >>> 0;
  let index = 0;
  while (bits !== 0) {
    if ((bits & 1) !== 0) sum ^= matrix[index] as number;
    bits >>>= 1;
    index++;
  }
  return sum >>> 0;
}

function squareMatrix(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = multiplyMatrix(matrix, matrix[n] as number);
}
