import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { initBackend } from "lowbit";
import { readIdx } from "lowbit/data";

before(async () => {
  await initBackend({ backend: "cpu", quiet: true });
});

/** IDX bytes: magic 00 00 type ndim, big-endian uint32 dims, big-endian elements. */
function idx(type: number, dims: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + size * values.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  values.forEach((v, i) => {
    const at = header + size * i;
    if (type === 0x08) view.setUint8(at, v);
    else if (type === 0x09) view.setInt8(at, v);
    else if (type === 0x0b) view.setInt16(at, v);
    else if (type === 0x0c) view.setInt32(at, v);
    else if (type === 0x0d) view.setFloat32(at, v);
    else view.setFloat64(at, v);
  });
  return bytes;
}

const CASES = [
  { type: 0x08, name: "uint8", Array: Uint8Array, values: [0, 1, 127, 128, 200, 255] },
  { type: 0x09, name: "int8", Array: Int8Array, values: [-128, -1, 0, 1, 100, 127] },
  { type: 0x0b, name: "int16", Array: Int16Array, values: [-32768, -2, 0, 258, 1000, 32767] },
  { type: 0x0c, name: "int32", Array: Int32Array, values: [-(2 ** 31), -70000, 0, 1, 16909060, 2 ** 31 - 1] },
  { type: 0x0d, name: "float32", Array: Float32Array, values: [-1.5, 0, 0.25, 3e38, -1e-30, 42] },
  { type: 0x0e, name: "float64", Array: Float64Array, values: [-1.5, 0, Math.PI, 1e300, -1e-300, 42] },
];

describe("readIdx", () => {
  for (const { type, name, Array: Expected, values } of CASES) {
    it(`reads ${name} [2, 3], plain and gzipped`, () => {
      const plain = idx(type, [2, 3], values);
      for (const source of [plain, zlib.gzipSync(plain)]) {
        const { dims, data } = readIdx(source);
        assert.deepEqual(dims, [2, 3]);
        assert.ok(data instanceof Expected, `${name} read as ${data.constructor.name}`);
        assert.deepEqual(Array.from(data), Array.from(Expected.from(values)));
      }
    });
  }

  it("returns uint8 data as a view on the input, without copying", () => {
    const bytes = idx(0x08, [4], [9, 8, 7, 6]);
    const { data } = readIdx(bytes);
    assert.equal(data.buffer, bytes.buffer);
    assert.equal(data.byteOffset, 8);
  });

  it("reads files by path, with or without gzip, and 0- and 3-dimensional arrays", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-idx-"));
    try {
      const cube = idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
      fs.writeFileSync(path.join(dir, "cube"), cube);
      fs.writeFileSync(path.join(dir, "cube.gz"), zlib.gzipSync(cube));
      for (const file of ["cube", "cube.gz"]) {
        const { dims, data } = readIdx(path.join(dir, file));
        assert.deepEqual(dims, [2, 2, 2]);
        assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6, 7, 8]);
      }
      assert.deepEqual(readIdx(idx(0x0c, [], [-5])), { dims: [], data: Int32Array.of(-5) });
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("rejects a bad magic, an unknown type, a truncated header and a wrong payload length", () => {
    const good = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    const badMagic = good.slice();
    badMagic[1] = 1;
    assert.throws(() => readIdx(badMagic), /not an IDX file \(magic must start 0x00 0x00; got 0x00 0x01 0x08 0x02\)/);
    assert.throws(() => readIdx(new Uint8Array(0)), /not an IDX file.*no bytes/);
    const badType = good.slice();
    badType[2] = 0x0a;
    assert.throws(() => readIdx(badType), /unknown element type 0x0a/);
    assert.throws(() => readIdx(good.subarray(0, 9)), /truncated header/);
    assert.throws(
      () => readIdx(good.subarray(0, good.length - 1)),
      /payload has 5 bytes; uint8 \[2, 3\] needs 6 \(truncated file\?\)/,
    );
    const long = new Uint8Array(good.length + 1);
    long.set(good);
    assert.throws(() => readIdx(long), /payload has 7 bytes; uint8 \[2, 3\] needs 6$/);
    assert.throws(() => readIdx(zlib.gzipSync(good).subarray(0, 20)), /gzip data is corrupt/);
  });

  it("names the file in its errors", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-idx-"));
    try {
      const file = path.join(dir, "short-idx1-ubyte.gz");
      fs.writeFileSync(file, zlib.gzipSync(idx(0x08, [10], [1, 2, 3])));
      assert.throws(
        () => readIdx(file),
        (e: Error) => e.message.includes(`IDX file ${file}: payload has 3 bytes`),
      );
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
