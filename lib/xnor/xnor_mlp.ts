/**
 * Inference of a binarized qnnMlp through the XNOR kernel: the network the simulated model
 * computes with float ops on +-1 values, computed with bits. The first layer sees real-valued
 * pixels, as in QNN, so it stays a float product (tfjs); its batch norm's signs are packed; every
 * further hidden layer is an XnorDense with its batch norm and sign folded into thresholds; the
 * output layer's integer products go through its batch norm (tfjs) to the logits. The
 * predictions equal model.predict's: every product of +-1 values is an exact integer in float32
 * too (|h| <= K < 2^24), and the batch norms run the same float32 code.
 */
import * as tf from "../backend/tf";
import { QuantActivation, QuantDense } from "../layers";
import { packSigns } from "./packed_signs";
import { XnorDense } from "./xnor_dense";

export interface XnorMlp {
  /** The float layers before the first sign: reshape, first dense, its batch norm. */
  readonly head: tf.layers.Layer[];
  /** The binarized hidden layers after the first, then the output layer (without thresholds). */
  readonly xnorLayers: XnorDense[];
  /** The output layer's batch norm. */
  readonly outputNorm: tf.layers.Layer;
  /** Logits [batch, classes] for images x (the model's input shape). */
  predict(x: tf.Tensor): tf.Tensor2D;
}

function expect(layer: tf.layers.Layer | undefined, what: string, ok: boolean): asserts layer is tf.layers.Layer {
  if (layer === undefined || !ok) {
    throw new TypeError(
      `lowbit: xnorMlp needs a qnnMlp with 1-bit weights and activations and float batch norm (reshape, [dense, batch norm, sign] x n, dense, batch norm); expected ${what}, got ${layer?.getClassName() ?? "the end of the model"}`,
    );
  }
}

export function xnorMlp(model: tf.LayersModel): XnorMlp {
  const layers = model.layers;
  const isNorm = (l?: tf.layers.Layer) => l?.getClassName() === "BatchNormalization";
  const isSign = (l?: tf.layers.Layer) =>
    l instanceof QuantActivation && l.activationName === "sign" && Object.keys(l.quant).length === 0;
  expect(layers[0], "a reshape layer", layers[0]?.getClassName() === "Reshape");
  const blocks: { dense: QuantDense; norm: tf.layers.Layer }[] = [];
  let i = 1;
  for (;;) {
    expect(layers[i], "a QuantDense", layers[i] instanceof QuantDense);
    expect(layers[i + 1], "a BatchNormalization", isNorm(layers[i + 1]));
    blocks.push({ dense: layers[i] as QuantDense, norm: layers[i + 1] });
    if (i + 2 === layers.length) break;
    expect(layers[i + 2], "a sign QuantActivation", isSign(layers[i + 2]));
    i += 3;
  }
  if (blocks.length < 2) throw new TypeError("lowbit: xnorMlp needs at least one hidden layer");
  const head = [layers[0], blocks[0].dense, blocks[0].norm];
  const hidden = blocks.slice(1, -1).map((b) => new XnorDense(b.dense, b.norm));
  const last = blocks[blocks.length - 1];
  const output = new XnorDense(last.dense);
  return {
    head,
    xnorLayers: [...hidden, output],
    outputNorm: last.norm,
    predict(x: tf.Tensor): tf.Tensor2D {
      const y0 = tf.tidy(() => head.reduce((t, l) => l.apply(t, { training: false }) as tf.Tensor, x) as tf.Tensor2D);
      let signs = packSigns(y0);
      y0.dispose();
      for (const layer of hidden) signs = layer.signs(signs);
      const h = output.matMul(signs);
      return tf.tidy(
        () =>
          last.norm.apply(tf.tensor2d(h, [signs.rows, output.units], "float32"), { training: false }) as tf.Tensor2D,
      );
    },
  };
}
