/**
 * What a model's layers do not say about its training arithmetic, recorded on the model by the
 * code that builds it (wageLeNet5, or a user after building one):
 *   input        the format of the model's input as it arrives (8-bit pixel codes, say); a
 *                quantizing first layer (WAGE's input QuantActivation) still applies after it
 *   master       the format the update writes the master weights in (WAGE keeps them on the
 *                k_G grid; an optimizer wrapped by storeQuantized stores them in its format)
 *   shiftUpdate  the update needs no multiply: the learning rate is a power of two, or already
 *                inside the gradient quantizer (WAGE's eta, with SGD at rate 1)
 * Defaults: FP32 input, FP32 master weights, a multiply in the update. The record is plain JSON
 * (formats are values), kept beside the model rather than in it, because tfjs models have no
 * place for it; lib/hw's cost(model, { batch, phase }) reads it with the layers' quantizers.
 */
import type * as tf from "../backend/tf";
import { checkFormat, type Format } from "../quant";

export interface TrainingFormats {
  input?: Format;
  master?: Format;
  shiftUpdate?: boolean;
}

const KEYS = ["input", "master", "shiftUpdate"];
const recorded = new WeakMap<tf.LayersModel, TrainingFormats>();

/** Records `formats` on `model` (replacing an earlier record); returns the model. */
export function setTrainingFormats<M extends tf.LayersModel>(model: M, formats: TrainingFormats): M {
  if (typeof formats !== "object" || formats === null)
    throw new TypeError("lowbit: setTrainingFormats formats must be an object { input?, master?, shiftUpdate? }");
  for (const key of Object.keys(formats)) {
    if (!KEYS.includes(key))
      throw new RangeError(`lowbit: setTrainingFormats has an unknown entry "${key}"; allowed: ${KEYS.join(", ")}`);
  }
  const checked: TrainingFormats = { ...formats };
  for (const key of ["input", "master"] as const) {
    const f = formats[key];
    if (f !== undefined) checked[key] = checkFormat(`setTrainingFormats ${key}`, f);
  }
  if (formats.shiftUpdate !== undefined && typeof formats.shiftUpdate !== "boolean") {
    throw new TypeError(
      `lowbit: setTrainingFormats shiftUpdate must be a boolean; got ${JSON.stringify(formats.shiftUpdate)}`,
    );
  }
  recorded.set(model, checked);
  return model;
}

/** The training formats recorded on `model` ({} when none: every default). */
export function trainingFormats(model: tf.LayersModel): TrainingFormats {
  return { ...recorded.get(model) };
}
