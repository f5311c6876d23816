/**
 * The float limit of one core here, as WebAssembly reaches it, measured so that a float GEMM's
 * rate can be read as a fraction of what the machine can do: f32x4 multiply then add, 12
 * independent accumulators (acc = acc * m + c), so the loop is bound by the throughput of the
 * multiply and add units, not by their latency. WebAssembly SIMD has no fused multiply-add
 * without relaxed SIMD (f32x4.relaxed_madd; behind --experimental-wasm-relaxed-simd in Node 20),
 * so a multiply-add is two instructions here, for XNNPACK as for this loop: no wasm float GEMM
 * on this machine can run faster.
 *
 * The loop is compiled here with AssemblyScript (a dev dependency), not shipped in the library.
 */
import { cpuMs } from "./timing";

const SOURCE = `
export function floatLoop(n: i32): f32 {
  const m = f32x4.splat(0.5), c = f32x4.splat(1.0);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
  for (let i = 0; i < n; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
`;

const ASC = "assemblyscript/asc";

/** The part of AssemblyScript's compiler API used here. */
interface Asc {
  compileString(
    source: string,
    options: Record<string, unknown>,
  ): Promise<{ binary?: Uint8Array; error: Error | null; stderr: { toString(): string } }>;
}

export interface Peak {
  /** f32x4 multiply + add, 12 independent chains: G multiply-adds per second. */
  floatGMacPerS: number;
}

/** The best of `rounds` timed runs of the loop (CPU time of this process). */
export async function measurePeak(rounds = 5): Promise<Peak> {
  // A computed specifier: the package is ESM-only, which this project's CommonJS type check cannot resolve.
  const asc = (await import(ASC as string)) as Asc;
  const { binary, error, stderr } = await asc.compileString(SOURCE, {
    optimizeLevel: 3,
    runtime: "stub",
    enable: ["simd"],
    noAssert: true,
  });
  if (error || binary === undefined)
    throw new Error(`bench/peak: AssemblyScript failed: ${error?.message ?? ""} ${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary as BufferSource, {
    env: {
      abort: () => {
        throw new Error("abort");
      },
    },
  });
  const { floatLoop } = instance.exports as { floatLoop: (n: number) => number };
  const n = 1e7;
  floatLoop(n / 10);
  let ms = Infinity;
  for (let r = 0; r < rounds; r++)
    ms = Math.min(
      ms,
      cpuMs(() => floatLoop(n)),
    );
  return { floatGMacPerS: (n * 12 * 4) / ms / 1e6 };
}
