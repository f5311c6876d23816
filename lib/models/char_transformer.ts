/**
 * A character-level decoder-only transformer language model (GPT's shape, pre-LayerNorm), the
 * model where the FP4 training recipes' effects are known to appear, at laptop scale (about
 * 0.8 M parameters with the defaults d = 128, 4 blocks, 64 characters):
 *
 *   one-hot characters [batch, time, vocab]
 *     -> embed (dense vocab -> d, no bias) + learned positions
 *     -> blocks x layers:  h = h + proj(attention(qkv(LN(h))))       (causal, `heads` heads)
 *                          h = h + down(relu(up(LN(h))))              (up: d -> 4 d)
 *     -> LN -> head (dense d -> vocab, untied from embed)
 *
 * giving logits [batch, time, vocab] for the next character at every position; train with
 * softmaxCrossEntropy against the one-hot next characters. Each block's four linear layers (qkv,
 * proj, up, down) are quantDense layers computing their three GEMMs as `recipe` says (null:
 * float32). The embedding, the output head, the LayerNorms and attention's own products (scores
 * and softmax, see causalSelfAttention) stay float32, as in the FP4 recipes (Tseng et al., AISTATS
 * 2025, quantize the decoder's linear layers; NVIDIA's NVFP4 recipe, arXiv 2509.25149, keeps
 * embeddings, the output projection and attention's batched products in higher precision).
 * The input is one-hot rather than ids, as for charLstm: tfjs's embedding gradient needs a
 * kernel (UnsortedSegmentSum) the wasm backend lacks, and a product with a one-hot vector selects
 * the embedding's row. ReLU rather than GELU, which tfjs has no op for.
 */
import * as tf from "../backend/tf";
import { checkInteger, checkSeed, MODEL_SEED_MAX } from "../core/checks";
import { hash32 } from "../core/random";
import { causalSelfAttention, layerNorm, positionEmbedding, quantDense } from "../layers";
import type { GemmRecipe } from "../quant";

export interface CharTransformerOptions {
  vocab: number;
  /** Characters per window: the positions the model has embeddings for. */
  sequenceLength: number;
  /** Width of the residual stream (default 128). */
  dModel?: number;
  /** Transformer blocks (default 4). */
  layers?: number;
  /** Attention heads (default 4); dModel must be a multiple of it. */
  heads?: number;
  /** The GEMM recipe of the blocks' linear layers (default null: float32). */
  recipe?: GemmRecipe | null;
  /**
   * Seed of the initial weights and of the recipe's random bits, an integer in [0, 2^28);
   * layer i gets hash32(seed, 0, i).
   */
  seed?: number;
}

export function charTransformer(options: CharTransformerOptions): tf.LayersModel {
  const { vocab, sequenceLength, dModel = 128, layers = 4, heads = 4, recipe = null, seed = 0 } = options;
  checkSeed("charTransformer seed", seed, MODEL_SEED_MAX);
  checkInteger("charTransformer vocab", vocab, 1);
  checkInteger("charTransformer sequenceLength", sequenceLength, 1);
  checkInteger("charTransformer dModel", dModel, 1);
  checkInteger("charTransformer layers", layers, 1);
  checkInteger("charTransformer heads", heads, 1, dModel);
  if (dModel % heads !== 0)
    throw new RangeError(`lowbit: charTransformer dModel must be a multiple of heads (${heads}); got ${dModel}`);
  let index = 0;
  const seeded = () => ({ seed: hash32(seed, 0, index++) });
  const input = tf.input({ shape: [sequenceLength, vocab], name: "characters" });
  let h = quantDense({ name: "embed", units: dModel, useBias: false, ...seeded() }).apply(input) as tf.SymbolicTensor;
  h = positionEmbedding({ name: "positions", ...seeded() }).apply(h) as tf.SymbolicTensor;
  const norm = (name: string, x: tf.SymbolicTensor) => layerNorm({ name, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
  const linear = (name: string, units: number, x: tf.SymbolicTensor, activation: "linear" | "relu" = "linear") =>
    quantDense({ name, units, activation, recipe, ...seeded() }).apply(x) as tf.SymbolicTensor;
  for (let b = 0; b < layers; b++) {
    const qkv = linear(`block${b}_qkv`, 3 * dModel, norm(`block${b}_ln1`, h));
    const context = causalSelfAttention({ name: `block${b}_attention`, heads }).apply(qkv) as tf.SymbolicTensor;
    h = tf.layers
      .add({ name: `block${b}_residual1` })
      .apply([h, linear(`block${b}_proj`, dModel, context)]) as tf.SymbolicTensor;
    const up = linear(`block${b}_up`, 4 * dModel, norm(`block${b}_ln2`, h), "relu");
    h = tf.layers
      .add({ name: `block${b}_residual2` })
      .apply([h, linear(`block${b}_down`, dModel, up)]) as tf.SymbolicTensor;
  }
  const logits = quantDense({ name: "head", units: vocab, ...seeded() }).apply(norm("ln_final", h));
  return tf.model({ name: "char_transformer", inputs: input, outputs: logits as tf.SymbolicTensor });
}
