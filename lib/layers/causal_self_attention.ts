/**
 * The part of a decoder's self-attention that has no weights: from the projected queries, keys
 * and values qkv [batch, time, 3 d] (a dense layer's output, [q | k | v]) to the heads' context
 * [batch, time, d],
 *
 *   per head h (d_h = d / heads):  softmax(Q_h K_h^T / sqrt(d_h) + M) V_h,
 *   M_ij = 0 for j <= i, -1e9 above the diagonal (causal: a position sees itself and the past),
 *
 * in float32. The two products here multiply activations by activations, not by weights, and the
 * FP4 training recipes keep them (and the softmax) in higher precision: Tseng et al. (AISTATS
 * 2025) quantize only the linear layers' GEMMs, NVIDIA's NVFP4 recipe (arXiv 2509.25149) keeps
 * attention's batched products in BF16. The projections before and after are quantDense layers,
 * which take a recipe.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";

export interface CausalSelfAttentionArgs {
  /** Attention heads; d (a third of the input's last axis) must be a multiple of it. */
  heads: number;
  name?: string;
}

/** The additive causal mask [time, time]: 0 on and below the diagonal, -1e9 above (exp gives 0). */
function causalMask(time: number): tf.Tensor2D {
  const m = new Float32Array(time * time);
  for (let i = 0; i < time; i++) for (let j = i + 1; j < time; j++) m[i * time + j] = -1e9;
  return tf.tensor2d(m, [time, time]);
}

export class CausalSelfAttention extends tf.layers.Layer {
  static className = "CausalSelfAttention";
  readonly heads: number;

  constructor(args: CausalSelfAttentionArgs) {
    super({ name: args.name });
    checkInteger("causalSelfAttention heads", args.heads, 1);
    this.heads = args.heads;
  }

  /** [batch, time, 3 d] -> d, checked: a multiple of 3 whose third the heads divide. */
  private modelWidth(shape: tf.Shape): number {
    const width = shape[shape.length - 1];
    if (shape.length !== 3 || width === null || width % 3 !== 0 || (width / 3) % this.heads !== 0)
      throw new RangeError(
        `lowbit: ${this.name} input must be [batch, time, 3 d] with d a multiple of heads (${this.heads}); got [${shape.join(", ")}]`,
      );
    return width / 3;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0], shape[1], this.modelWidth(shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const qkv = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, time] = qkv.shape;
      const d = this.modelWidth(qkv.shape),
        dh = d / this.heads;
      // [batch, time, d] -> [batch, heads, time, d_h]
      const split = (t: tf.Tensor) => t.reshape([batch, time, this.heads, dh]).transpose([0, 2, 1, 3]);
      const [q, k, v] = tf.split(qkv, 3, 2).map(split);
      const scores = tf
        .matMul(q, k, false, true)
        .mul(1 / Math.sqrt(dh))
        .add(causalMask(time));
      const context = tf.matMul(tf.softmax(scores), v);
      return context.transpose([0, 2, 1, 3]).reshape([batch, time, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads };
  }
}
tf.serialization.registerClass(CausalSelfAttention);

export function causalSelfAttention(args: CausalSelfAttentionArgs): CausalSelfAttention {
  return new CausalSelfAttention(args);
}
