/**
 * The part every quantized layer shares (dense, conv2d): the quantized weight view, the output
 * pipeline z -> z / scale -> activation -> E (backward) -> A, master-weight clipping, and hooks.
 *
 * Output pipeline, in WAGE's order (its code: conv, pool, ReLU, Q_E, Q_A; QuantConv2d's `pool`
 * puts the max-pool first, as there):
 *   a = activation(z / scale);  backward of a: error.apply(dy);  output = activation quantizer(a)
 * The activation quantizer's backward is straight through, zero outside its gradientRange.
 * A max-pool after this layer gives the same forward values (max commutes with the monotone
 * ReLU and Q_A) but not the same backward: among inputs that Q_A rounds to the same value, the
 * pool's gradient goes to the first one rather than to the largest, maybe a negative one that
 * ReLU then blocks.
 */
import * as tf from "../backend/tf";
import { checkEmulatedAccumulation, type EmulatedAccumulation } from "../accum/matmul";
import { checkSeed } from "../core/checks";
import { ste, transformGradient } from "../quant/straight_through";
import { type Activation, activate, ACTIVATIONS } from "./activations";
import { checkQuantConfig, QUANT_ROLES, type QuantConfig, type QuantRole } from "./quant_config";

export interface QuantLayerArgs {
  name?: string;
  activation?: Activation;
  quant?: QuantConfig;
  /** Constant divisor of the pre-activations (WAGE's alpha); default 1. */
  scale?: number;
  /** Clip the master weights to [-weightClip, weightClip] after every update (QNN, WAGE). */
  weightClip?: number;
  /**
   * Called with each quantized tensor as it is made, for histograms: "weight" and "activation"
   * in the forward pass, "error" in the backward pass, "gradient" in quantizeGradient.
   */
  onQuantized?: (role: QuantRole, layer: string, value: tf.Tensor) => void;
  /** Seed of the weight initialiser. */
  seed?: number;
  /** Initial weights ~ U(-initLimit, initLimit) (WAGE's initialisation); default Glorot uniform. */
  initLimit?: number;
  /**
   * Run the layer's GEMMs through lowbit's bit-true accumulator emulator (lowPrecisionDense,
   * lowPrecisionConv2d): products rounded to a float format, sums in a narrow accumulator
   * (a floatingPoint or fixedPoint format, or accumulate()'s options). Default: float32 tfjs kernels.
   */
  accumulation?: EmulatedAccumulation;
  inputShape?: tf.Shape;
}

export abstract class QuantLayer extends tf.layers.Layer {
  readonly activationName: Activation;
  readonly quant: QuantConfig;
  readonly scale: number;
  readonly weightClip: number | undefined;
  protected readonly onQuantized: QuantLayerArgs["onQuantized"];
  protected readonly seed: number;
  protected readonly initLimit: number | undefined;
  /** The emulated accumulation of the layer's GEMMs (the cost model prices its accumulator). */
  readonly accumulation: EmulatedAccumulation | undefined;
  protected kernel: tf.LayerVariable | undefined;

  constructor(args: QuantLayerArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const { activation = "linear", quant = {}, scale = 1, weightClip, seed = 0 } = args;
    if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
      throw new RangeError(
        `lowbit: ${this.getClassName()} activation must be one of ${ACTIVATIONS.join(", ")}; got "${activation}"`,
      );
    }
    checkQuantConfig(this.getClassName(), quant);
    if (!(scale > 0 && Number.isFinite(scale)))
      throw new RangeError(`lowbit: ${this.getClassName()} scale must be a finite number > 0; got ${scale}`);
    if (weightClip !== undefined && !(weightClip > 0))
      throw new RangeError(
        `lowbit: ${this.getClassName()} weightClip must be a number in (0, Infinity]; got ${weightClip}`,
      );
    checkSeed(`${this.getClassName()} seed`, seed);
    if (args.initLimit !== undefined && !(args.initLimit > 0 && Number.isFinite(args.initLimit))) {
      throw new RangeError(
        `lowbit: ${this.getClassName()} initLimit must be a finite number > 0 (or undefined for Glorot uniform); got ${args.initLimit}`,
      );
    }
    this.activationName = activation;
    this.quant = quant;
    this.scale = scale;
    this.weightClip = weightClip;
    this.onQuantized = args.onQuantized;
    this.seed = seed;
    this.initLimit = args.initLimit;
    if (args.accumulation !== undefined)
      checkEmulatedAccumulation(`${this.getClassName()} accumulation`, args.accumulation);
    this.accumulation = args.accumulation;
  }

  /** The initialiser of the master weights: U(-initLimit, initLimit), else Glorot uniform. */
  protected kernelInitializer(): ReturnType<typeof tf.initializers.glorotUniform> {
    return this.initLimit === undefined
      ? tf.initializers.glorotUniform({ seed: this.seed })
      : tf.initializers.randomUniform({ minval: -this.initLimit, maxval: this.initLimit, seed: this.seed });
  }

  /** The master weights (real-valued, trained). */
  masterKernel(): tf.Tensor {
    if (this.kernel === undefined) throw new Error(`lowbit: ${this.name} is not built yet`);
    return this.kernel.read();
  }

  /** The weights the layer computes with: the quantized view of the master weights (a new tensor). */
  quantizedKernel(): tf.Tensor {
    const w = this.masterKernel();
    return this.quant.weight ? this.quant.weight.apply(w) : w.clone();
  }

  /**
   * Replaces the master weights by their quantized view, once (the authors' WAGE code starts
   * training from master weights on the k_W grid: Q(W, 2) is ternary).
   */
  quantizeMasterWeights(): void {
    if (this.kernel === undefined) throw new Error(`lowbit: ${this.name} is not built yet`);
    tf.tidy(() => {
      this.kernel!.write(this.quantizedKernel());
    });
  }

  /** The kernel used in call(): quantized forward, straight-through backward to the master copy. */
  protected weightView(): tf.Tensor {
    const w = this.masterKernel();
    const view = this.quant.weight ? ste((t) => this.quant.weight!.apply(t))(w) : w;
    this.onQuantized?.("weight", this.name, view);
    return view;
  }

  protected quantizedOutput(z: tf.Tensor): tf.Tensor {
    let a = activate(this.scale === 1 ? z : z.div(this.scale), this.activationName);
    const qe = this.quant.error;
    if (qe) {
      a = transformGradient(a, (dy) => {
        const e = qe.apply(dy);
        this.onQuantized?.("error", this.name, e);
        return e;
      });
    }
    const qa = this.quant.activation;
    if (qa) a = ste((t) => qa.apply(t), { clip: qa.gradientRange })(a);
    this.onQuantized?.("activation", this.name, a);
    return a;
  }

  /** The weight gradient as the optimizer gets it: gradient.apply(g) (a new tensor; g itself without G). */
  quantizeGradient(g: tf.Tensor): tf.Tensor {
    if (this.quant.gradient === undefined) return g.clone();
    const q = this.quant.gradient.apply(g);
    this.onQuantized?.("gradient", this.name, q);
    return q;
  }

  /** Clips the master weights to +-weightClip (call after each optimizer update). */
  clipWeights(): void {
    if (this.weightClip === undefined || this.kernel === undefined) return;
    const c = this.weightClip;
    tf.tidy(() => {
      this.kernel!.write(tf.clipByValue(this.kernel!.read(), -c, c));
    });
  }

  /**
   * The parts of this layer a config cannot hold: quantizers and accumulators are functions and
   * state, so a saved model would load as a different (float) layer without them.
   */
  protected unsavedParts(): string[] {
    return [
      ...QUANT_ROLES.filter((role) => this.quant[role] !== undefined).map((role) => `quant.${role}`),
      ...(this.accumulation === undefined ? [] : ["accumulation"]),
    ];
  }

  /** The layer's config (model.toJSON, model.save); refused when it would drop a quantizer. */
  override getConfig(): tf.serialization.ConfigDict {
    const unsaved = this.unsavedParts();
    if (unsaved.length > 0)
      throw new TypeError(
        `lowbit: ${this.name} (${this.getClassName()}) cannot be serialized: its ${unsaved.join(", ")} ` +
          `would be dropped and the model would load without them; save its weights (getWeights(), or ` +
          `train()'s checkpoints) and build the model in code`,
      );
    return {
      ...super.getConfig(),
      activation: this.activationName,
      scale: this.scale,
      seed: this.seed,
      ...(this.weightClip === undefined ? {} : { weightClip: this.weightClip }),
      ...(this.initLimit === undefined ? {} : { initLimit: this.initLimit }),
    };
  }
}
