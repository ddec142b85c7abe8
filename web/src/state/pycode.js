// An edited Python program in the share link: `py=<base64url of its deflate-raw bytes>`, the
// browser's own CompressionStream, no library. Only short programs go in a link (MAX_LINK_CHARS of
// encoded text), so that a link stays a link; decoding refuses anything that is not such a value.

/** The longest `py=` value a share link carries (characters of base64url). */
export const MAX_LINK_CHARS = 2048;
/** The longest program a link may unpack to (bytes of UTF-8): a bound on what a crafted link costs. */
export const MAX_PROGRAM_BYTES = 64 * 1024;

/** @param {Uint8Array} bytes */
function toBase64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} s */
function fromBase64url(s) {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

/**
 * @param {Uint8Array} bytes
 * @param {CompressionStream | DecompressionStream} stream
 * @param {number} [limit]  stop (and fail) past this many output bytes
 */
async function pipe(bytes, stream, limit = Infinity) {
  const writer = stream.writable.getWriter();
  void writer.write(/** @type {Uint8Array<ArrayBuffer>} */ (bytes)).then(() => writer.close()).catch(() => undefined);
  const reader = stream.readable.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > limit) { await reader.cancel(); throw new Error('too long'); }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

/**
 * The program as a link value.
 * @param {string} text
 * @returns {Promise<{ ok: true, value: string } | { ok: false, chars: number }>}  `chars`: how long the value would be
 */
export async function encodeProgram(text) {
  const packed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  const value = toBase64url(packed);
  return value.length <= MAX_LINK_CHARS ? { ok: true, value } : { ok: false, chars: value.length };
}

/**
 * The program a link value holds.
 * @param {string} value
 * @returns {Promise<{ ok: true, text: string } | { ok: false, message: string }>}
 */
export async function decodeProgram(value) {
  const bad = (/** @type {string} */ why) => ({ ok: /** @type {const} */ (false), message: `The link's edited Python program was not used: ${why}` });
  if (value.length > MAX_LINK_CHARS) return bad(`it is longer than ${MAX_LINK_CHARS} characters`);
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return bad('it is not base64url text');
  let bytes;
  try {
    bytes = fromBase64url(value);
  } catch {
    return bad('it is not base64url text');
  }
  let raw;
  try {
    raw = await pipe(bytes, new DecompressionStream('deflate-raw'), MAX_PROGRAM_BYTES);
  } catch (e) {
    return bad(e instanceof Error && e.message === 'too long' ? `it unpacks to more than ${MAX_PROGRAM_BYTES / 1024} KB` : 'it is not deflate-raw data');
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(raw) };
  } catch {
    return bad('it is not UTF-8 text');
  }
}
