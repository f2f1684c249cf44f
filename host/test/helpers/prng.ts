// Small seeded PRNG (mulberry32) so property-style tests are reproducible: a failure prints its
// seed, and PALTLS_TEST_SEED=<n> replays it.
export class Prng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export function baseSeed(): number {
  return process.env.PALTLS_TEST_SEED ? Number(process.env.PALTLS_TEST_SEED) : 0x5eed1234;
}
