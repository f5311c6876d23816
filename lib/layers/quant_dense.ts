/**
 * A fully connected layer with quantized W, A, G, E: y = output(x * view(W) + b). Its product
 * x * view(W) runs in float32, through the accumulator emulator (`accumulation`), or with its
 * three GEMMs as a per-GEMM recipe says (`recipe`: MXFP4_SR_RHT, NVFP4BlockScaling, ...).
 */
import * as tf from "../backend/tf";
import { lowPrecisionDense } from "../accum/matmul";
import { checkInteger } from "../core/checks";
import { checkGemmRecipe, type GemmRecipe, recipeDense } from "../quant";
import { QuantLayer, type QuantLayerArgs } from "./quant_layer";

export interface QuantDenseArgs extends QuantLayerArgs {
  units: number;
  useBias?: boolean;
  /**
   * The formats, roundings and transforms of the product's three GEMMs (FWD, BWD, GRAD; a
   * GemmRecipe of lowbit/quant), quantized from the layer's seed and its call count (recipeDense);
   * null or undefined: float32. Not together with `accumulation` (both say how the GEMMs run).
   */
  recipe?: GemmRecipe | null;
}

export class QuantDense extends QuantLayer {
  static className = "QuantDense";
  readonly units: number;
  readonly useBias: boolean;
  readonly recipe: GemmRecipe | null;
  /**
   * Calls of the layer so far: call n quantizes with the random bits of step n of the layer's
   * seed (recipeGemmSeeds), so a run is reproducible from its seeds and every step draws anew.
   */
  recipeCalls = 0;
  private bias: tf.LayerVariable | undefined;

  constructor(args: QuantDenseArgs) {
    super(args);
    checkInteger("quantDense units", args.units, 1);
    this.units = args.units;
    this.useBias = args.useBias ?? true;
    this.recipe = args.recipe == null ? null : checkGemmRecipe("quantDense recipe", args.recipe);
    if (this.recipe !== null && this.accumulation !== undefined)
      throw new TypeError(
        "lowbit: quantDense takes a recipe or an accumulation, not both (each says how the layer's GEMMs run)",
      );
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new RangeError(`lowbit: ${this.name} needs a known input size`);
    const init = this.kernelInitializer();
    this.kernel = this.addWeight("kernel", [inDim, this.units], "float32", init);
    if (this.useBias) this.bias = this.addWeight("bias", [this.units], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const x2 = x.reshape([-1, x.shape[x.rank - 1]]) as tf.Tensor2D;
      let z = this.accumulation
        ? lowPrecisionDense(x2, this.weightView(), this.accumulation)
        : this.recipe !== null
          ? recipeDense(x2, this.weightView() as tf.Tensor2D, this.recipe, {
              seed: this.seed,
              step: this.recipeCalls++,
            })
          : tf.matMul(x2, this.weightView());
      if (this.bias !== undefined) z = z.add(this.bias.read());
      return this.quantizedOutput(z.reshape([...x.shape.slice(0, -1), this.units]));
    });
  }

  protected override unsavedParts(): string[] {
    return [...super.unsavedParts(), ...(this.recipe === null ? [] : ["recipe"])];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, useBias: this.useBias };
  }
}
tf.serialization.registerClass(QuantDense);

export function quantDense(args: QuantDenseArgs): QuantDense {
  return new QuantDense(args);
}
