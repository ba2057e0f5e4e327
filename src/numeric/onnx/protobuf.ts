/**
 * A minimal protocol-buffers encoder: just enough of the wire format to write ONNX models.
 *
 * Protobuf messages are sequences of `(field number, wire type)` keys followed by a value: wire
 * type 0 is a base-128 varint, 2 is a length-delimited byte string (strings, bytes, nested
 * messages, packed repeated scalars), 5 a little-endian 32-bit value. Nested messages are written
 * by encoding the child first and then its length-prefixed bytes into the parent, which keeps the
 * writer a plain growable byte buffer with no schema.
 *
 * @see https://protobuf.dev/programming-guides/encoding/
 */

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growable byte buffer; `finish()` returns the bytes. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Writes an unsigned or negative integer as a varint (negative numbers as 64-bit two's complement). */
  private varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    // Fast path for the common small non-negative case avoids BigInt per byte.
    if (n < 0x80000000n) {
      let x = Number(n);
      this.reserve(5);
      while (x >= 0x80) {
        this.buf[this.len++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      this.buf[this.len++] = x;
      return;
    }
    this.reserve(10);
    while (n >= 0x80n) {
      this.buf[this.len++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.len++] = Number(n);
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A varint field (int32, int64, enum, bool). */
  int(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  /** A 32-bit float field (wire type 5). */
  float(field: number, v: number): this {
    this.key(field, 5);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  /** A length-delimited bytes field. */
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** A nested message field, written by `build` into a child writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    build(child);
    return this.bytes(field, child.finish());
  }

  /** A packed repeated varint field (e.g. `repeated int64` dims or ints). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const child = new ProtoWriter();
    for (const v of values) child.varint(v);
    return this.bytes(field, child.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const f = new Float32Array(values);
    return this.bytes(field, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
