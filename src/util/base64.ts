/** Decodes base64 text to bytes with `atob` (available in Node ≥ 16, browsers and workers). */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const u = new Uint8Array(s.length);
  for (let q = 0; q < s.length; q++) u[q] = s.charCodeAt(q);
  return u;
}
