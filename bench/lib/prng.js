// @ts-check
/**
 * A small seeded pseudo-random generator (sfc32), so every data set comes out with the same
 * bytes on every machine and every run. `Math.random` cannot be seeded, hence this.
 */
export class Random {
  /** @param {number} seed any 32-bit integer */
  constructor(seed) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // The first outputs of sfc32 still look like the seed; discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** @returns {number} a float in [0, 1) */
  next() {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /**
   * @param {number} n exclusive upper bound
   * @returns {number} an integer in [0, n)
   */
  int(n) {
    return Math.floor(this.next() * n);
  }

  /**
   * @template T
   * @param {readonly T[]} items a non-empty list
   * @returns {T}
   */
  pick(items) {
    return /** @type {T} */ (items[this.int(items.length)]);
  }

  /**
   * @param {number} probability in [0, 1]
   * @returns {boolean}
   */
  chance(probability) {
    return this.next() < probability;
  }
}
