/**
 * A small CBOR writer (RFC 8949) for the telemetry bundle: unsigned and negative integers, float32
 * and float64, text and byte strings, arrays and maps with definite lengths, true/false/null. No
 * tags, no indefinite lengths, so any standard decoder reads the output.
 *
 * cbor-x is not used for writing because it writes a `number` above 2^32 − 1 as a float64 (our
 * timestamps are ~2^40 and must stay integers), tags `Uint8Array`s with tag 64 by default under
 * Node, and has no per-value choice of float32 "only when exact".
 *
 * Number rule: a safe integer (not −0) is written as the shortest integer head; any other finite
 * number as float32 when `Math.fround(v) === v` (it round-trips exactly), else float64.
 */
const INITIAL_SIZE_BYTES = 256;
const TWO_POW_32 = 0x1_0000_0000;

/** Appends CBOR items to a growing buffer; `finish()` returns the bytes written so far. */
export class CborWriter {
  private buf = new Uint8Array(INITIAL_SIZE_BYTES);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly utf8 = new TextEncoder();

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A head: major type (0..7) and an argument 0..2^53 − 1, in its shortest form (§4.2.1). */
  private head(major: number, arg: number): void {
    const mt = major << 5;
    this.room(9);
    if (arg < 24) {
      this.buf[this.pos++] = mt | arg;
    } else if (arg < 0x100) {
      this.buf[this.pos++] = mt | 24;
      this.buf[this.pos++] = arg;
    } else if (arg < 0x1_0000) {
      this.buf[this.pos++] = mt | 25;
      this.view.setUint16(this.pos, arg);
      this.pos += 2;
    } else if (arg < TWO_POW_32) {
      this.buf[this.pos++] = mt | 26;
      this.view.setUint32(this.pos, arg);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = mt | 27;
      this.view.setUint32(this.pos, Math.floor(arg / TWO_POW_32));
      this.view.setUint32(this.pos + 4, arg % TWO_POW_32);
      this.pos += 8;
    }
  }

  /** A non-negative safe integer. */
  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`expected an unsigned safe integer, got ${n}`);
    this.head(0, n);
  }

  /** Any finite number: integer, float32 when exact, else float64. */
  number(v: number): void {
    if (!Number.isFinite(v)) throw new TypeError(`CBOR number must be finite, got ${v}`);
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0) this.head(0, v);
      else this.head(1, -1 - v);
      return;
    }
    this.room(9);
    if (Math.fround(v) === v) {
      this.buf[this.pos++] = 0xfa;
      this.view.setFloat32(this.pos, v);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = 0xfb;
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    }
  }

  /**
   * A text string. ASCII (sensor ids, JSON keys, most values) is copied unit by unit into the
   * buffer: a TextEncoder call per string, and the array it returns, cost more than the string.
   */
  text(s: string): void {
    const n = s.length;
    this.room(9 + n);
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) {
      this.head(3, n);
      for (let k = 0; k < n; k++) this.buf[this.pos + k] = s.charCodeAt(k);
      this.pos += n;
      return;
    }
    // Lone surrogates become U+FFFD in both the length and the bytes, as TextEncoder writes them.
    const len = Buffer.byteLength(s, 'utf8');
    this.head(3, len);
    this.room(len);
    this.utf8.encodeInto(s, this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
  }

  bytes(b: Uint8Array): void {
    this.head(2, b.length);
    this.raw(b);
  }

  arrayHeader(length: number): void {
    this.head(4, length);
  }

  mapHeader(pairs: number): void {
    this.head(5, pairs);
  }

  simple(v: boolean | null): void {
    this.room(1);
    this.buf[this.pos++] = v === null ? 0xf6 : v ? 0xf5 : 0xf4;
  }

  /**
   * Writes `v` (objects as maps in their own key order, JSON.parse order; arrays as arrays) when it
   * is a JSON value (numbers finite) nesting at most `depthLeft` arrays and objects deep, and
   * returns true; otherwise writes nothing and returns false. The check and the write are one walk: this runs for every reading of a bundle.
   */
  jsonWithin(v: unknown, depthLeft: number): boolean {
    const start = this.pos;
    if (this.tryJson(v, depthLeft)) return true;
    this.pos = start;
    return false;
  }

  private tryJson(v: unknown, depthLeft: number): boolean {
    if (v === null || typeof v === 'boolean') this.simple(v);
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      this.number(v);
    } else if (typeof v === 'string') this.text(v);
    else if (depthLeft <= 0 || typeof v !== 'object') return false;
    else if (Array.isArray(v)) {
      this.arrayHeader(v.length);
      for (const item of v) if (!this.tryJson(item, depthLeft - 1)) return false;
    } else {
      const keys = Object.keys(v);
      this.mapHeader(keys.length);
      for (const k of keys) {
        this.text(k);
        // An own "__proto__" key (JSON.parse makes one) is read as the data it holds.
        if (!this.tryJson(Reflect.get(v, k), depthLeft - 1)) return false;
      }
    }
    return true;
  }

  private raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
