/**
 * The learning rate of an optimizer, read and set through one public pair of functions, so that
 * schedules and notebooks never reach into an optimizer's fields themselves.
 *
 * tfjs-core 4.x (src/optimizers/*_optimizer.ts): SGD and momentum expose setLearningRate (they
 * cache -lr as a scalar, so the field alone is not enough); Adam, AdaMax, RMSProp, AdaGrad and
 * AdaDelta read their `learningRate` field at every applyGradients and have no setter; that
 * field is the one their getConfig() reports, so this module writes it and checks through
 * getConfig() that the optimizer reads the value it was given. lowbit's wrappers
 * (storeQuantized, quantizeUpdates) pass the rate to the optimizer they wrap; shiftAdaMax has
 * a setter of its own.
 */
import * as tf from "../backend/tf";
import { optimizerChain } from "./optimizer_state";

/** A learning rate, or a schedule: the rate of the step about to run (0-based step and epoch). */
export type LearningRate = number | ((at: { step: number; epoch: number }) => number);

interface RateSetter {
  setLearningRate(value: number): void;
}

function checkRate(what: string, value: number): void {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value)))
    throw new RangeError(`lowbit: ${what} must be a finite number > 0; got ${String(value)}`);
}

/** The optimizer that computes the update: the innermost of a chain of lowbit wrappers. */
function computing(optimizer: tf.Optimizer): tf.Optimizer {
  return optimizerChain(optimizer).at(-1)!;
}

/** tf.Optimizer's Symbol.hasInstance reads `minimize` of what it is given: undefined would throw. */
export function isOptimizer(o: unknown): o is tf.Optimizer {
  return typeof o === "object" && o !== null && o instanceof tf.Optimizer;
}

/** The learning rate `optimizer` uses now (its getConfig().learningRate). */
export function learningRateOf(optimizer: tf.Optimizer): number {
  if (!isOptimizer(optimizer)) throw new TypeError("lowbit: learningRateOf optimizer must be a tf.Optimizer");
  const rate = computing(optimizer).getConfig().learningRate;
  if (typeof rate !== "number")
    throw new TypeError(
      `lowbit: learningRateOf: a ${computing(optimizer).getClassName()} optimizer reports no learningRate in its getConfig()`,
    );
  return rate;
}

/**
 * Sets the learning rate of `optimizer` (or of the optimizer a lowbit wrapper wraps) for its
 * next updates; its state (moments, step count) is kept.
 */
export function setLearningRate(optimizer: tf.Optimizer, value: number): void {
  if (!isOptimizer(optimizer)) throw new TypeError("lowbit: setLearningRate optimizer must be a tf.Optimizer");
  checkRate("setLearningRate value", value);
  const o = computing(optimizer);
  const setter = (o as Partial<RateSetter>).setLearningRate;
  if (typeof setter === "function") setter.call(o, value);
  else if (typeof o.getConfig().learningRate === "number") {
    // The field tfjs's Adam, AdaMax, RMSProp, AdaGrad and AdaDelta read at every update.
    (o as unknown as { learningRate: number }).learningRate = value;
  }
  if (o.getConfig().learningRate !== value)
    throw new TypeError(
      `lowbit: setLearningRate cannot set the learning rate of a ${o.getClassName()} optimizer (its getConfig() has no learningRate it follows)`,
    );
}

/** The rate a LearningRate gives for a step; checks it is a finite number > 0. */
export function rateAt(what: string, rate: LearningRate, at: { step: number; epoch: number }): number {
  const value = typeof rate === "function" ? rate(at) : rate;
  checkRate(typeof rate === "function" ? `${what} at step ${at.step} (epoch ${at.epoch})` : what, value);
  return value;
}
