/**
 * Learned absolute position embeddings (GPT's): adds a trained vector p_t to the input at each
 * position t, x [batch, time, d] -> x + P, P [time, d] initialised N(0, 0.02^2) from the seed.
 * A transformer's attention is otherwise blind to order. The length is fixed when the layer is
 * built (the model's sequence length).
 */
import * as tf from "../backend/tf";
import { checkSeed } from "../core/checks";

export interface PositionEmbeddingArgs {
  name?: string;
  /** Seed of the initial embeddings, an integer in [0, 2^32) (default 0). */
  seed?: number;
}

export class PositionEmbedding extends tf.layers.Layer {
  static className = "PositionEmbedding";
  private readonly seed: number;
  private embeddings: tf.LayerVariable | undefined;

  constructor(args: PositionEmbeddingArgs = {}) {
    super({ name: args.name });
    const seed = args.seed ?? 0;
    checkSeed("positionEmbedding seed", seed);
    this.seed = seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const [time, width] = [shape[1], shape[2]];
    if (shape.length !== 3 || time === null || width === null)
      throw new RangeError(
        `lowbit: ${this.name} needs an input [batch, time, d] with a known time and d; got [${shape.join(", ")}]`,
      );
    const init = tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed });
    this.embeddings = this.addWeight("embeddings", [time, width], "float32", init);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => (Array.isArray(inputs) ? inputs[0] : inputs).add(this.embeddings!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}
tf.serialization.registerClass(PositionEmbedding);

export function positionEmbedding(args: PositionEmbeddingArgs = {}): PositionEmbedding {
  return new PositionEmbedding(args);
}
