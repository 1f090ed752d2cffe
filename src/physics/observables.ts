/**
 * Time averages of a macrospin trajectory after the transient, SI time (s):
 * - oscillator power p = ⟨(1 − m·p̂)/2⟩ (dimensionless, 0 at rest along p̂, 1 when reversed);
 * - transverse power ⟨|m⊥|²⟩ = ⟨1 − (m·p̂)²⟩ with m⊥ the part of m perpendicular to p̂;
 * - precession frequency f = |Φ| / (2π T), Φ the accumulated (unwrapped) angle of m⊥ about p̂
 *   over the averaging time T, in Hz;
 * - the mean power over the first and the second half of the window (a settling check), and the
 *   standard error of their difference from 16 batch means (8 per half), for noisy (T > 0) runs.
 */

/** Number of batches the averaging window is cut into for {@link ObservableAccumulator.halvesError}. */
export const BATCHES = 16;

/** Accumulates the observables over the samples it is fed. Reuse with {@link ObservableAccumulator.reset}. */
export class ObservableAccumulator {
  private readonly px: number;
  private readonly py: number;
  private readonly pz: number;
  /** Orthonormal basis (e1, e2) of the plane perpendicular to p̂. */
  private readonly e1 = new Float64Array(3);
  private readonly e2 = new Float64Array(3);
  private n = 0;
  private half = 0;
  private sumP = 0;
  private sumP1 = 0;
  private sumT = 0;
  private phase = 0;
  private prevA = 0;
  private prevB = 0;
  private time = 0;
  private readonly batchSums = new Float64Array(BATCHES);
  private readonly batchCounts = new Float64Array(BATCHES);
  private batch = 0;
  private batchEnd = 0;

  /**
   * @param polarizer unit p̂.
   * @param samples how many samples will be fed (the first half feeds the first-half power).
   */
  constructor(polarizer: ArrayLike<number>, private readonly samples: number) {
    this.px = polarizer[0];
    this.py = polarizer[1];
    this.pz = polarizer[2];
    // e1: the axis least aligned with p̂, made orthogonal to it; e2 = p̂ × e1.
    const ax = Math.abs(this.px), ay = Math.abs(this.py), az = Math.abs(this.pz);
    const t = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
    const d = t[0] * this.px + t[1] * this.py + t[2] * this.pz;
    let x = t[0] - d * this.px, y = t[1] - d * this.py, z = t[2] - d * this.pz;
    const n = Math.hypot(x, y, z);
    x /= n;
    y /= n;
    z /= n;
    this.e1.set([x, y, z]);
    this.e2.set([this.py * z - this.pz * y, this.pz * x - this.px * z, this.px * y - this.py * x]);
    this.half = Math.floor(samples / 2);
    this.batchEnd = this.boundary(1);
  }

  /** First sample index of batch b (batches as equal as integer sizes allow). */
  private boundary(b: number): number {
    return Math.floor((b * this.samples) / BATCHES);
  }

  /** Forgets everything fed so far. */
  reset(): void {
    this.n = 0;
    this.sumP = 0;
    this.sumP1 = 0;
    this.sumT = 0;
    this.phase = 0;
    this.time = 0;
    this.batchSums.fill(0);
    this.batchCounts.fill(0);
    this.batch = 0;
    this.batchEnd = this.boundary(1);
  }

  /** Feeds one sample of m taken `dt` seconds after the previous one (the first sample's dt is ignored). */
  add(m: Float64Array, dt: number): void {
    const u = m[0] * this.px + m[1] * this.py + m[2] * this.pz;
    const p = 0.5 * (1 - u);
    this.sumP += p;
    if (this.n < this.half) this.sumP1 += p;
    while (this.n >= this.batchEnd && this.batch < BATCHES - 1) {
      this.batch++;
      this.batchEnd = this.boundary(this.batch + 1);
    }
    this.batchSums[this.batch] += p;
    this.batchCounts[this.batch]++;
    this.sumT += 1 - u * u;
    const a = m[0] * this.e1[0] + m[1] * this.e1[1] + m[2] * this.e1[2];
    const b = m[0] * this.e2[0] + m[1] * this.e2[1] + m[2] * this.e2[2];
    if (this.n > 0) {
      // Angle from the previous transverse vector to this one, in (−π, π].
      this.phase += Math.atan2(this.prevA * b - this.prevB * a, this.prevA * a + this.prevB * b);
      this.time += dt;
    }
    this.prevA = a;
    this.prevB = b;
    this.n++;
  }

  /** Number of samples fed. */
  get count(): number {
    return this.n;
  }

  /** ⟨(1 − m·p̂)/2⟩. */
  power(): number {
    return this.sumP / this.n;
  }

  /** ⟨1 − (m·p̂)²⟩. */
  transversePower(): number {
    return this.sumT / this.n;
  }

  /** |Φ|/(2π T), in Hz (0 when fewer than two samples). */
  frequency(): number {
    return this.time > 0 ? Math.abs(this.phase) / (2 * Math.PI * this.time) : 0;
  }

  /** Mean power over the first and the second half of the samples fed. */
  halves(): [number, number] {
    const h = Math.min(this.half, this.n);
    const first = h > 0 ? this.sumP1 / h : NaN;
    const second = this.n > h ? (this.sumP - this.sumP1) / (this.n - h) : NaN;
    return [first, second];
  }

  /**
   * Standard error of (mean power of the second half − first half), from the spread of the 8 batch
   * means within each half: sqrt(s1²/8 + s2²/8). NaN with fewer than 2 samples in some batch.
   * Batches shorter than the correlation time underestimate it.
   */
  halvesError(): number {
    const h = BATCHES / 2;
    let v = 0;
    for (const start of [0, h]) {
      let mean = 0;
      for (let b = start; b < start + h; b++) {
        if (this.batchCounts[b] < 1) return NaN;
        mean += this.batchSums[b] / this.batchCounts[b];
      }
      mean /= h;
      let ss = 0;
      for (let b = start; b < start + h; b++) ss += (this.batchSums[b] / this.batchCounts[b] - mean) ** 2;
      v += ss / (h - 1) / h;
    }
    return Math.sqrt(v);
  }

  /** Samples expected (constructor argument). */
  get expected(): number {
    return this.samples;
  }
}
