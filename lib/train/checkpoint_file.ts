/**
 * The checkpoint file: one header line of JSON
 *   {"format":"lowbit-checkpoint-2","sha256":<hex digest of the payload bytes>,"bytes":<their count>}
 * then the payload (a JSON document). Reading checks the header, the length and the SHA-256
 * digest, so a flipped or truncated byte is an error naming the file, never a silent wrong
 * value. Writing is atomic (writeFileAtomic: a temporary file in the same folder, renamed into place).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../core/atomic_write";

const FORMAT = "lowbit-checkpoint-2";

/** Writes `payload` (JSON text) under its header, atomically. */
export function writeCheckpointFile(path: string, payload: string): void {
  const header = {
    format: FORMAT,
    sha256: createHash("sha256").update(payload).digest("hex"),
    bytes: Buffer.byteLength(payload),
  };
  writeFileAtomic(path, `${JSON.stringify(header)}\n${payload}`);
}

/** Reads and verifies a checkpoint file: its header, the payload's length and SHA-256. */
export function readCheckpointFile(path: string): unknown {
  const bytes = readFileSync(path);
  const newline = bytes.indexOf(0x0a);
  let header: { format?: unknown; sha256?: unknown; bytes?: unknown } | undefined;
  try {
    header = newline < 0 ? undefined : JSON.parse(bytes.subarray(0, newline).toString("utf8"));
  } catch {
    header = undefined;
  }
  if (header === undefined || header.format !== FORMAT) {
    const old = bytes.subarray(0, 40).toString("utf8").includes("lowbit-checkpoint-1");
    throw new TypeError(
      old
        ? `lowbit: ${path} is a lowbit-checkpoint-1 file (no checksum, iteration counts stored as float32); it cannot be resumed exactly: start the run again`
        : `lowbit: ${path} is not a lowbit checkpoint (its first line is not a ${FORMAT} header)`,
    );
  }
  const payload = bytes.subarray(newline + 1);
  if (payload.byteLength !== header.bytes) {
    throw new TypeError(
      `lowbit: checkpoint ${path} is damaged: its payload has ${payload.byteLength} bytes, the header says ${String(header.bytes)} (truncated or appended to)`,
    );
  }
  const digest = createHash("sha256").update(payload).digest("hex");
  if (digest !== header.sha256) {
    throw new TypeError(
      `lowbit: checkpoint ${path} is damaged: SHA-256 of the payload is ${digest}, the header says ${String(header.sha256)}`,
    );
  }
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch (error) {
    throw new TypeError(
      `lowbit: checkpoint ${path} has a valid checksum but its payload is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
