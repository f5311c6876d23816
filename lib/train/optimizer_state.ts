/**
 * The state of an optimizer as checkpoints see it: the chain wrapper -> ... -> the optimizer
 * that computes the update (quantizeUpdates, storeQuantized wrap another), and for each its
 * step count, its slot tensors (moments, accumulators) and its other variables (Adam's running
 * beta powers), read and written the same way for tfjs's optimizers, tfjs's Adamax (which has
 * no getWeights) and lowbit's shiftAdaMax.
 */
import * as tf from "../backend/tf";
import { type NamedTensor, WrappedOptimizer } from "./wrapped_optimizer";

/**
 * `instanceof` on tf.Optimizer's subclasses is duck-typed (tfjs defines Symbol.hasInstance to
 * accept any object with minimize and applyGradients): test the prototype chain instead.
 */
export function isA<T>(o: tf.Optimizer, kind: abstract new (...args: never[]) => T): o is tf.Optimizer & T {
  return Object.prototype.isPrototypeOf.call(kind.prototype, o);
}

/** wrapper -> ... -> the optimizer that computes the update. */
export function optimizerChain(optimizer: tf.Optimizer): tf.Optimizer[] {
  return isA(optimizer, WrappedOptimizer) ? [optimizer, ...optimizerChain(optimizer.inner)] : [optimizer];
}

/** Describes a chain as "QuantizedStorageOptimizer(Adam)", for messages. */
export function chainName(classNames: string[]): string {
  return classNames.reduceRight((inner, name) => (inner === "" ? name : `${name}(${inner})`), "");
}

/**
 * tfjs's Adamax does not implement getWeights/setWeights; its slots live in these arrays of
 * { originalName, variable }, in the layout every other tfjs optimizer uses.
 */
const SLOT_ARRAYS: Record<string, string[]> = { Adamax: ["accumulatedFirstMoment", "accumulatedWeightedInfNorm"] };

type SlotArray = { originalName: string; variable: tf.Variable }[];

/** The step count is tfjs's protected `iterations_`; setWeights is its only public setter, and not every optimizer has one. */
function setIterations(optimizer: tf.Optimizer, iterations: number): void {
  (optimizer as unknown as { iterations_: number }).iterations_ = iterations;
}

/** The slot tensors (live variables), without the step count. */
export async function slotsOf(optimizer: tf.Optimizer): Promise<NamedTensor[]> {
  if (isA(optimizer, WrappedOptimizer)) return [];
  const arrays = SLOT_ARRAYS[optimizer.getClassName()];
  if (arrays !== undefined) {
    return arrays.flatMap((key) =>
      (optimizer as unknown as Record<string, SlotArray>)[key].map((s) => ({
        name: s.originalName,
        tensor: s.variable,
      })),
    );
  }
  // getWeights lists the step count first, as a new int32 scalar (the rest are live variables).
  const [iterations, ...slots] = await optimizer.getWeights();
  iterations.tensor.dispose();
  return slots;
}

/** Sets the step count and replaces the slot variables by (copies of) `slots`. */
export async function setSlots(optimizer: tf.Optimizer, iterations: number, slots: NamedTensor[]): Promise<void> {
  if (isA(optimizer, WrappedOptimizer)) {
    setIterations(optimizer, iterations);
    return;
  }
  const arrays = SLOT_ARRAYS[optimizer.getClassName()];
  if (arrays !== undefined) {
    const target = optimizer as unknown as Record<string, SlotArray>;
    const count = slots.length / arrays.length;
    arrays.forEach((key, k) => {
      tf.dispose(target[key].map((s) => s.variable));
      target[key] = slots
        .slice(k * count, (k + 1) * count)
        .map((s) => ({ originalName: s.name, variable: s.tensor.variable(false) }));
    });
    setIterations(optimizer, iterations);
    return;
  }
  const iter = tf.scalar(iterations, "int32");
  await optimizer.setWeights([{ name: "iter", tensor: iter }, ...slots]);
  iter.dispose();
}

/** An optimizer's own tf.Variable properties: Adam's accBeta1/2, Adamax's iteration and accBeta1. */
export function stateVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer).filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable);
}
