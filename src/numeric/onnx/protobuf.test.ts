import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeModel } from "./model-proto.js";
import { ProtoWriter } from "./protobuf.js";

test("protobuf wire format: varints, negatives, strings, packed and nested fields", () => {
  assert.deepEqual([...new ProtoWriter().int(1, 150).finish()], [0x08, 0x96, 0x01]);
  assert.deepEqual([...new ProtoWriter().int(2, -1).finish()], [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.deepEqual([...new ProtoWriter().int(1, 2n ** 40n).finish()], [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  assert.deepEqual([...new ProtoWriter().string(2, "testing").finish()], [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
  assert.deepEqual([...new ProtoWriter().packedInts(4, [3, 270, 86942]).finish()], [0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
  assert.deepEqual([...new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()], [0x1a, 0x03, 0x08, 0x96, 0x01]);
  assert.deepEqual([...new ProtoWriter().float(1, 1).finish()], [0x0d, 0x00, 0x00, 0x80, 0x3f]);
  // A large buffer grows correctly.
  const big = new Uint8Array(5000).map((_, i) => i & 0xff);
  const out = new ProtoWriter().bytes(1, big).finish();
  assert.deepEqual([...out.subarray(0, 3)], [0x0a, 0x88, 0x27]);
  assert.deepEqual(out.subarray(3), big);
});

test("encodeModel writes ir_version 8 and the opset import", () => {
  const bytes = encodeModel({ name: "g", nodes: [], inputs: [], outputs: [], initializers: new Map() }, { opset: 17 });
  assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 0x08]);
  assert.deepEqual([...bytes.subarray(bytes.length - 4)], [0x0a, 0x00, 0x10, 0x11]);
});
