/**
 * One training step of a model that may contain quantized layers:
 *   1. loss and gradients of the trainable weights (the layers quantize W, A forward and E
 *      backward themselves);
 *   2. G: each quantized layer's kernel gradient goes through its gradient quantizer;
 *   3. the optimizer's update of the master weights (each parameter group's weights by the
 *      group's optimizer; frozen groups get no gradient);
 *   4. master-weight clipping of the layers that ask for it.
 * x is the model's input, or its list of inputs (an encoder-decoder's [source, decoderInput]).
 * Returns the loss (a scalar the caller disposes); everything else is released.
 */
import * as tf from "../backend/tf";
import { QuantLayer } from "../layers";
import { isOptimizer } from "./learning_rate";
import type { Loss } from "./losses";

/**
 * Weights of a model trained apart from the rest: by their own optimizer (own learning rate,
 * own state), or not at all (frozen). `weights` selects by the weight's name as the model lists
 * it (model.trainableWeights[i].name, e.g. "conv0/kernel"): a RegExp, a list of names or a test.
 */
export interface ParameterGroup {
  weights: RegExp | readonly string[] | ((name: string) => boolean);
  /** The group's optimizer; required unless frozen. */
  optimizer?: tf.Optimizer;
  frozen?: boolean;
}

export function groupMatches(group: ParameterGroup, name: string): boolean {
  const w = group.weights;
  if (w instanceof RegExp) return w.test(name);
  if (typeof w === "function") return w(name);
  return w.includes(name);
}

/** Checks groups where they are given; `what` names the option (e.g. "train groups"). */
export function checkGroups(what: string, groups: readonly ParameterGroup[]): void {
  if (!Array.isArray(groups)) throw new TypeError(`lowbit: ${what} must be an array of parameter groups`);
  groups.forEach((g, i) => {
    const w = g?.weights;
    if (!(w instanceof RegExp || typeof w === "function" || Array.isArray(w)))
      throw new TypeError(`lowbit: ${what}[${i}].weights must be a RegExp, an array of weight names or a function`);
    if (g.frozen === true) return;
    if (!isOptimizer(g.optimizer))
      throw new TypeError(`lowbit: ${what}[${i}].optimizer must be a tf.Optimizer (or set frozen: true)`);
  });
}

/**
 * The step with an objective of the model's weights (a scalar computed under the gradient tape;
 * the default is loss(y, model(x))) and the weights split into parameter groups (a weight goes
 * to the first group that matches it, else to `optimizer`).
 */
export function objectiveStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  objective: () => tf.Scalar,
  groups: readonly ParameterGroup[] = [],
): tf.Scalar {
  const owner = new Map<string, tf.Optimizer>();
  const variables: tf.Variable[] = [];
  for (const w of model.trainableWeights) {
    const group = groups.find((g) => groupMatches(g, w.name));
    if (group?.frozen === true) continue;
    const v = w.read() as tf.Variable;
    variables.push(v);
    owner.set(v.name, group?.optimizer ?? optimizer);
  }
  const { value, grads } = tf.variableGrads(objective, variables);
  const quantLayers = model.layers.filter((l): l is QuantLayer => l instanceof QuantLayer);
  for (const layer of quantLayers) {
    if (layer.quant.gradient === undefined) continue;
    const name = (layer.masterKernel() as tf.Variable).name;
    const g = grads[name];
    if (g === undefined) continue;
    grads[name] = layer.quantizeGradient(g);
    g.dispose();
  }
  const byOptimizer = new Map<tf.Optimizer, tf.NamedTensorMap>();
  for (const [name, g] of Object.entries(grads)) {
    const o = owner.get(name)!;
    if (!byOptimizer.has(o)) byOptimizer.set(o, {});
    byOptimizer.get(o)![name] = g;
  }
  for (const [o, g] of byOptimizer) o.applyGradients(g);
  tf.dispose(grads);
  for (const layer of quantLayers) layer.clipWeights();
  return value;
}

export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  loss: Loss,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
): tf.Scalar {
  return objectiveStep(model, optimizer, () => loss(y, model.apply(x, { training: true }) as tf.Tensor));
}
