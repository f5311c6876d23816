/**
 * The experiment "least-squares-sgd": SGD on a linear least-squares problem whose weights are
 * stored in a low-precision format after every update, the setting in which Gupta et al. (ICML
 * 2015, "Deep Learning with Limited Numerical Precision") showed round-to-nearest stagnating
 * (an update below half a grid step rounds back to the old weight) and stochastic rounding
 * converging (E[round(x)] = x). Pure JavaScript on float64 with lowbit's reference rounding
 * (quantizeValue), a few milliseconds per thousand steps: small enough for tests and notebooks.
 *
 *   w* ~ U(-1, 1)^d,  x_t ~ U(-1, 1)^d,  y_t = w*.x_t + noise * u_t,  u_t ~ U(-1, 1)   (Rng(seed, 0))
 *   w_0 = 0,  w_{t+1} = Q(w_t - lr * (w_t.x_t - y_t) x_t)                            (Q: format, rounding)
 *
 * Stochastic rounding draws its words from Rng(seed, 1), so runs of one seed share w* and the
 * data (a paired comparison of formats and roundings) and differ only in the rounding.
 * Metrics: excessRisk = E_x[(x.(w - w*))^2] = |w - w*|^2 / 3 (x uniform on [-1, 1]^d), and
 * rmsWeightError = |w - w*| / sqrt(d).
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { Rng } from "../core/random";
import { checkFormat } from "../quant/formats/registry";
import { quantizeValue } from "../quant/formats/registry";
import { ROUNDINGS } from "../quant/rounding";
import type { ExperimentContext, Metrics, RegisteredExperiment } from "./experiment";
import { checkConfigKeys } from "./experiment";
import type { JsonObject } from "./json_value";

const KEYS = ["format", "rounding", "learningRate", "steps", "dimension", "noise"];
const NAME = "least-squares-sgd";

function positive(what: string, value: unknown, max: number, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v > 0 && v <= max))
    throw new RangeError(
      `lowbit: experiment "${NAME}" ${what} must be a number in (0, ${max}]; got ${JSON.stringify(v)}`,
    );
  return v;
}

export function leastSquaresSgd(config: JsonObject, { seed }: ExperimentContext): Metrics {
  checkConfigKeys(NAME, config, KEYS);
  const format = checkFormat(`experiment "${NAME}" format`, config.format ?? { kind: "fixed", bits: 8, frac: 6 });
  const rounding = config.rounding ?? "nearest";
  checkOneOf(`experiment "${NAME}" rounding`, String(rounding), ROUNDINGS);
  const lr = positive("learningRate", config.learningRate, 1, 0.05);
  const noise = config.noise === 0 ? 0 : positive("noise", config.noise, 100, 0.1);
  const steps = (config.steps ?? 1000) as number,
    d = (config.dimension ?? 8) as number;
  checkInteger(`experiment "${NAME}" steps`, steps, 1, 1e8);
  checkInteger(`experiment "${NAME}" dimension`, d, 1, 10_000);
  const data = new Rng(seed, 0),
    words = new Rng(seed, 1);
  const uniform = () => 2 * data.next() - 1;
  const target = Float64Array.from({ length: d }, uniform);
  const w = new Float64Array(d),
    x = new Float64Array(d);
  for (let t = 0; t < steps; t++) {
    let y = noise * uniform(),
      prediction = 0;
    for (let i = 0; i < d; i++) {
      x[i] = uniform();
      y += target[i] * x[i];
      prediction += w[i] * x[i];
    }
    const g = lr * (prediction - y);
    for (let i = 0; i < d; i++)
      w[i] = quantizeValue(format, w[i] - g * x[i], {
        rounding: rounding as (typeof ROUNDINGS)[number],
        hash: rounding === "stochastic" ? words.uint32() : 0,
      });
  }
  let squared = 0;
  for (let i = 0; i < d; i++) squared += (w[i] - target[i]) ** 2;
  return { excessRisk: squared / 3, rmsWeightError: Math.sqrt(squared / d) };
}

export const LEAST_SQUARES_SGD: RegisteredExperiment = {
  run: leastSquaresSgd,
  description:
    "SGD on linear least squares with weights stored in a format after each update (Gupta et al. 2015): " +
    "format (default fixed 8 bits, 6 fraction bits), rounding (nearest), learningRate (0.05), steps (1000), " +
    "dimension (8), noise (0.1); metrics excessRisk, rmsWeightError",
};
