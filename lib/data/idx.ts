/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
 *
 *   bytes 0-1   0x00 0x00
 *   byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     number of dimensions d
 *   4 .. 4+4d   the d sizes, big-endian uint32
 *   then        prod(sizes) elements, big-endian, row-major
 *
 * Files may be gzip-compressed (as distributed, and as Debian installs them); gzip is recognised
 * by its magic bytes 1f 8b, not by the file name.
 */
import * as fs from "node:fs";
import * as zlib from "node:zlib";

/** An IDX array: its sizes and its elements in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

type IdxData = IdxArray["data"];

/** An element type: its name, its size in bytes, and how to read `count` elements at `byteOffset`. */
interface IdxType {
  name: string;
  size: number;
  decode(buffer: ArrayBufferLike, byteOffset: number, count: number): IdxData;
}

/** Byte-sized elements have no byte order: view the bytes in place. */
function bytewise(
  name: string,
  View: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array | Int8Array,
): IdxType {
  return { name, size: 1, decode: (buffer, byteOffset, count) => new View(buffer, byteOffset, count) };
}

/** Wider elements are big-endian in the file: decode them into a native (little-endian) array. */
function bigEndian(
  name: string,
  size: number,
  Out: new (length: number) => Exclude<IdxData, Uint8Array | Int8Array>,
  get: (view: DataView, at: number) => number,
): IdxType {
  return {
    name,
    size,
    decode(buffer, byteOffset, count) {
      const view = new DataView(buffer, byteOffset, count * size);
      const out = new Out(count);
      for (let i = 0; i < count; i++) out[i] = get(view, i * size);
      return out;
    },
  };
}

/** Element types by IDX type byte. */
const TYPES: Record<number, IdxType> = {
  0x08: bytewise("uint8", Uint8Array),
  0x09: bytewise("int8", Int8Array),
  0x0b: bigEndian("int16", 2, Int16Array, (v, at) => v.getInt16(at)),
  0x0c: bigEndian("int32", 4, Int32Array, (v, at) => v.getInt32(at)),
  0x0d: bigEndian("float32", 4, Float32Array, (v, at) => v.getFloat32(at)),
  0x0e: bigEndian("float64", 8, Float64Array, (v, at) => v.getFloat64(at)),
};

function hex(byte: number): string {
  return "0x" + byte.toString(16).padStart(2, "0");
}

/**
 * Parses an IDX file (path) or its bytes, gzip-compressed or not. Byte-sized elements (uint8,
 * int8) are returned as views on the file's (or decompressed) bytes without copying: MNIST's
 * images are 47 MB. A Uint8Array source is therefore aliased, not copied, for those types.
 * Wider elements are decoded from big-endian into native typed arrays.
 * Throws an Error naming the file (when a path is given) if the header is not IDX, the type is
 * unknown, or the payload length differs from the product of the sizes.
 */
export function readIdx(source: string | Uint8Array): IdxArray {
  const where = typeof source === "string" ? `IDX file ${source}` : "IDX data";
  let bytes: Uint8Array = typeof source === "string" ? fs.readFileSync(source) : source;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`lowbit: ${where}: gzip data is corrupt (${(e as Error).message})`, { cause: e });
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const start = Array.from(bytes.subarray(0, 4), hex).join(" ");
    throw new Error(`lowbit: ${where}: not an IDX file (magic must start 0x00 0x00; got ${start || "no bytes"})`);
  }
  const type = TYPES[bytes[2]];
  if (type === undefined) {
    throw new Error(
      `lowbit: ${where}: unknown element type ${hex(bytes[2])} ` +
        "(allowed: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)",
    );
  }
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (bytes.length < header) {
    throw new Error(
      `lowbit: ${where}: truncated header (${ndim} dimensions need ${header} bytes; got ${bytes.length})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d));
  const count = dims.reduce((a, b) => a * b, 1);
  const payload = bytes.length - header;
  const expected = count * type.size;
  if (payload !== expected) {
    throw new Error(
      `lowbit: ${where}: payload has ${payload} bytes; ${type.name} [${dims.join(", ")}] needs ` +
        `${expected}${payload < expected ? " (truncated file?)" : ""}`,
    );
  }
  return { dims, data: type.decode(bytes.buffer, bytes.byteOffset + header, count) };
}
