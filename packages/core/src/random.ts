/**
 * Seeded random streams.
 *
 * One root seed drives a run; every consumer takes a *named, derived* stream
 * (`root.derive('partition')`, `root.derive('train').derive(round).derive(client)`), so adding
 * a consumer never shifts the numbers another consumer sees, and the same seed gives the same
 * partition and the same training order on every backend.
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018), seeded through splitmix32 from a 128-bit
 * hash of the stream's path. Pure 32-bit integer math, so results are identical on every platform.
 */

/** Something a stream can be derived from. */
export type StreamKey = string | number;

function hashString(s: string, h1 = 0x9e3779b9, h2 = 0x85ebca6b): [number, number, number, number] {
  // cyrb128: cheap, well-mixed 128-bit string hash (public-domain construction).
  let a = h1 ^ 0x1b873593,
    b = h2 ^ 0xcc9e2d51,
    c = 0x243f6a88,
    d = 0x6a09e667;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    a = b ^ Math.imul(a ^ k, 597399067);
    b = c ^ Math.imul(b ^ k, 2869860233);
    c = d ^ Math.imul(c ^ k, 951274213);
    d = a ^ Math.imul(d ^ k, 2716044179);
  }
  a = Math.imul(c ^ (a >>> 18), 597399067);
  b = Math.imul(d ^ (b >>> 22), 2869860233);
  c = Math.imul(a ^ (c >>> 17), 951274213);
  d = Math.imul(b ^ (d >>> 19), 2716044179);
  return [(a ^ b ^ c ^ d) >>> 0, (b ^ a) >>> 0, (c ^ a) >>> 0, (d ^ a) >>> 0];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** Create the root stream of a run. `path` is an internal detail of derived streams. */
  constructor(
    readonly seed: number,
    readonly path: string = '',
  ) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`Expected an integer seed but received ${seed} of type ${typeof seed}`);
    }
    const h = hashString(`${seed}/${path}`);
    const mix = splitmix32(h[0] ^ h[1] ^ h[2] ^ h[3]);
    this.s0 = (h[0] ^ mix()) >>> 0;
    this.s1 = (h[1] ^ mix()) >>> 0;
    this.s2 = (h[2] ^ mix()) >>> 0;
    this.s3 = (h[3] ^ mix()) >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream named `key` below this one. Does not advance this stream. */
  derive(...keys: StreamKey[]): Rng {
    return new Rng(this.seed, [this.path, ...keys.map(String)].filter((p) => p !== '').join('/'));
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: expected a positive integer bound but received ${n}`);
    if (n > 0x100000000) return Math.floor(this.float() * n);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`Rng.gamma: expected shape > 0 but received ${shape}`);
    if (shape < 1) {
      const u = this.float();
      return this.gamma(shape + 1) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A draw from Dirichlet(alpha · 1_n) (or the given concentration vector). */
  dirichlet(alpha: number | readonly number[], n?: number): Float64Array {
    const k = typeof alpha === 'number' ? (n ?? 0) : alpha.length;
    if (k <= 0) throw new RangeError('Rng.dirichlet: need at least one component');
    const out = new Float64Array(k);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const a = typeof alpha === 'number' ? alpha : alpha[i]!;
      out[i] = this.gamma(a);
      sum += out[i]!;
    }
    if (sum === 0) {
      // All gammas underflowed (tiny alpha): put the mass on one uniformly chosen component.
      out[this.int(k)] = 1;
      return out;
    }
    for (let i = 0; i < k; i++) out[i]! /= sum;
    return out;
  }

  /** Index drawn from a categorical distribution with (unnormalised, non-negative) weights. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new RangeError('Rng.categorical: weights must have a positive sum');
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    // Rounding left a sliver at the end: return the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }

  /** In-place Fisher–Yates shuffle; returns its argument. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i] as T[number];
      a[i] = a[j] as T[number];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** k distinct integers drawn uniformly from [0, n), in draw order. */
  sampleWithoutReplacement(n: number, k: number): number[] {
    if (k > n || k < 0) throw new RangeError(`Rng.sampleWithoutReplacement: cannot draw ${k} of ${n}`);
    if (k * 4 < n) {
      const seen = new Set<number>();
      const out: number[] = [];
      while (out.length < k) {
        const x = this.int(n);
        if (!seen.has(x)) {
          seen.add(x);
          out.push(x);
        }
      }
      return out;
    }
    return Array.from(this.permutation(n).subarray(0, k));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
