/**
 * A small VGG-like network for 28x28 (MNIST, Fashion-MNIST) and 32x32 (CIFAR-10) images, the
 * shape of the SQ and QNN experiments at laptop scale; default 2x64C3-MP2-2x128C3-MP2-256FC-10:
 *
 *   [conv3x3 same -> (BN) -> act] x convsPerStage -> maxpool 2   for each stage's filters
 *   flatten -> dense(units) -> (BN) -> act -> dense(numClasses)
 *
 * Every conv and dense layer is quantized by the config the `quant` factory returns for it
 * (default: float). With batch norm, the layer keeps W and G and a QuantActivation after the
 * batch norm applies A and E (splitAtBatchNorm); without, the layer does all four itself.
 */
import * as tf from "../backend/tf";
import { checkInteger, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import {
  type Activation,
  quantActivation,
  quantConv2d,
  quantDense,
  type QuantLayerArgs,
  shiftBatchNorm,
} from "../layers";
import { type QuantFactory, splitAtBatchNorm, type ZooLayer } from "./zoo_quant";

export interface VggNetOptions {
  /** [height, width, channels]; default [28, 28, 1]. */
  inputShape?: [number, number, number];
  numClasses?: number;
  /** Filters of each stage; default [64, 128]. */
  filters?: number[];
  convsPerStage?: number;
  /** Units of the hidden dense layer; default 256. */
  units?: number;
  activation?: Activation;
  /** "float" (tf.layers.batchNormalization, default), QNN's "shift", or "none". */
  batchNorm?: "float" | "shift" | "none";
  quant?: QuantFactory;
  /** Clip the master weights of every quantized layer to +-weightClip (binary/ternary training). */
  weightClip?: number;
  seed?: number;
  onQuantized?: QuantLayerArgs["onQuantized"];
}

export function vggNet(options: VggNetOptions = {}): tf.Sequential {
  const {
    inputShape = [28, 28, 1],
    numClasses = 10,
    filters = [64, 128],
    convsPerStage = 2,
    units = 256,
    activation = "relu",
    batchNorm = "float",
    quant = () => ({}),
    weightClip,
    seed = 0,
    onQuantized,
  } = options;
  checkSeed("vggNet seed", seed, MODEL_SEED_MAX);
  if (!["float", "shift", "none"].includes(batchNorm))
    throw new RangeError(
      `lowbit: vggNet batchNorm must be "float", "shift" or "none"; got ${JSON.stringify(batchNorm)}`,
    );
  filters.forEach((n, i) => checkInteger(`vggNet filters[${i}]`, n, 1));
  checkInteger("vggNet convsPerStage", convsPerStage, 1);
  checkInteger("vggNet units", units, 1);
  checkInteger("vggNet numClasses", numClasses, 1);
  const total = filters.length * convsPerStage + 2;
  const layers: tf.layers.Layer[] = [];
  let index = 0;
  const next = (kind: ZooLayer["kind"], fanIn: number): ZooLayer => {
    const info = { index, name: `${kind}${index}`, kind, fanIn, first: index === 0, last: index === total - 1 };
    index++;
    return info;
  };
  const base = (info: ZooLayer) => ({
    name: info.name,
    seed: seed * 16 + info.index,
    weightClip,
    onQuantized,
    ...(info.first ? { inputShape } : {}),
  });
  type Make = (args: QuantLayerArgs & { useBias: boolean }) => tf.layers.Layer;
  // A hidden layer: its product, batch norm and the activation; or, without batch norm, all in one.
  const addHidden = (info: ZooLayer, make: Make) => {
    const q = quant(info);
    if (batchNorm === "none") {
      layers.push(make({ ...base(info), activation, useBias: true, quant: q }));
      return;
    }
    const split = splitAtBatchNorm(q);
    layers.push(make({ ...base(info), activation: "linear", useBias: false, quant: split.layer }));
    layers.push(
      batchNorm === "shift"
        ? shiftBatchNorm({ name: `${info.name}_bn` })
        : tf.layers.batchNormalization({ name: `${info.name}_bn` }),
    );
    layers.push(quantActivation({ name: `${info.name}_act`, activation, quant: split.activation, onQuantized }));
  };
  let channels = inputShape[2];
  for (const f of filters) {
    for (let c = 0; c < convsPerStage; c++) {
      addHidden(next("conv", 9 * channels), (args) =>
        quantConv2d({ ...args, filters: f, kernelSize: 3, padding: "same" }),
      );
      channels = f;
    }
    layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  layers.push(tf.layers.flatten());
  const pooled = (size: number) => Math.floor(size / 2 ** filters.length);
  addHidden(next("dense", pooled(inputShape[0]) * pooled(inputShape[1]) * channels), (args) =>
    quantDense({ ...args, units }),
  );
  const out = next("dense", units);
  layers.push(quantDense({ ...base(out), units: numClasses, quant: quant(out) }));
  return tf.sequential({ name: "vgg_net", layers });
}
