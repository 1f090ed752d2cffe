/**
 * Copying a block of rows between a strided matrix and a packed buffer (the staging step of the
 * WebAssembly and multi-threaded matrix kernels). Pure; allocates nothing but subarray views.
 */

/** dst[at + r·nb + b] = src[off + r·ld + b] for r < rows, b < nb (one `set` when ld = nb). */
export function packRows(dst: Float64Array, at: number, src: Float64Array, off: number, rows: number, nb: number, ld: number): void {
  if (ld === nb) dst.set(src.subarray(off, off + rows * nb), at);
  else for (let r = 0; r < rows; r++) dst.set(src.subarray(off + r * ld, off + r * ld + nb), at + r * nb);
}

/** dst[off + r·ld + b] = src[at + r·nb + b] for r < rows, b < nb — the inverse of {@link packRows}. */
export function unpackRows(dst: Float64Array, off: number, src: Float64Array, at: number, rows: number, nb: number, ld: number): void {
  if (ld === nb) dst.set(src.subarray(at, at + rows * nb), off);
  else for (let r = 0; r < rows; r++) dst.set(src.subarray(at + r * nb, at + r * nb + nb), off + r * ld);
}
