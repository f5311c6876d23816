/**
 * An LSTM layer with quantized W, A, G, E, for QNN's quantized language models. One time step,
 * with x the input [batch, inputDim] and (h, c) the state [batch, units]:
 *
 *   z = [x, h] view(W) + b                         W = [W_x; W_h], shape [inputDim + units, 4 units]
 *   z = gates.input(z)                             optional, straight-through
 *   (i, f, g, o) = (sigmoid, sigmoid, tanh, sigmoid)(z split in four)    Keras's gate order
 *   (i, f, g, o) = gates.output(i, f, g, o)        optional, straight-through
 *   c' = f * c + i * g
 *   h' = A(o * tanh(c'))                           backward of o * tanh(c'): E(dh)
 *
 * The input and recurrent weights are one master tensor, so one weight quantizer sees both
 * (formats with tensor statistics, such as ternary or dynamic fixed point, share one scale),
 * and trainStep's gradient quantizer and master-weight clipping treat the layer as any other
 * QuantLayer. The quantized h' is both the output and the next step's recurrent input: the
 * recurrent product multiplies A-bit activations, as the hardware would. c stays float32.
 *
 * Two ways to run it: as a layer on [batch, time, inputDim] (in tf.sequential; the input
 * product of all time steps is one matrix product, and the weights are quantized once per
 * call), or step by step in a hand-written loop with step(x, state) and an explicit state.
 * As a layer it can also start from a given state, inputs [x, h0, c0], and return its final
 * state, outputs [output, h, c] with `returnState`: the encoder-decoder wiring (lib/models
 * seq2seq), where the decoder starts from the encoder's last state.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import { ste } from "../quant";
import { QuantLayer, type QuantLayerArgs } from "./quant_layer";
import type { TensorQuantizer } from "./tensor_quantizer";

export interface QuantLstmArgs extends Omit<QuantLayerArgs, "activation" | "scale"> {
  units: number;
  /** Output every step's h [batch, time, units] (default) or only the last [batch, units]. */
  returnSequences?: boolean;
  /** Quantizers of the gates' pre-activations z and of their outputs (i, f, g, o). */
  gates?: { input?: TensorQuantizer; output?: TensorQuantizer };
  /** Start the forget gate's bias at 1 (default true), so the cell remembers from the start. */
  unitForgetBias?: boolean;
  /** Also output the final state: [output, h, c] (default false). */
  returnState?: boolean;
}

export interface LstmState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

export class QuantLstm extends QuantLayer {
  static className = "QuantLstm";
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly gates: NonNullable<QuantLstmArgs["gates"]>;
  private readonly unitForgetBias: boolean;
  private bias: tf.LayerVariable | undefined;
  private inputSize: number | undefined;

  constructor(args: QuantLstmArgs) {
    super(args);
    checkInteger("quantLstm units", args.units, 1);
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? true;
    this.returnState = args.returnState ?? false;
    this.gates = args.gates ?? {};
    for (const [key, q] of Object.entries(this.gates)) {
      if (key !== "input" && key !== "output")
        throw new RangeError(`lowbit: QuantLstm gates has an unknown entry "${key}"; allowed: input, output`);
      if (q !== undefined && typeof q.apply !== "function")
        throw new TypeError(`lowbit: QuantLstm gates.${key} must be a quantizer`);
    }
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  /** Size of one time step's input (known once built). */
  get inputDim(): number {
    if (this.inputSize === undefined) throw new Error(`lowbit: ${this.name} is not built yet`);
    return this.inputSize;
  }

  /** Builds from [batch, time, inputDim] (as a layer) or [batch, inputDim] (for step()). */
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    // Called with [x, h0, c0] the shapes come as a list: the weights depend on x's only.
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null || inDim === undefined) throw new RangeError(`lowbit: ${this.name} needs a known input size`);
    const u = this.units;
    const init = this.kernelInitializer();
    this.kernel = this.addWeight("kernel", [inDim + u, 4 * u], "float32", init);
    this.bias = this.addWeight("bias", [4 * u], "float32", tf.initializers.zeros());
    if (this.unitForgetBias) {
      const bias = this.bias;
      tf.tidy(() => {
        bias.write(tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])]));
      });
    }
    this.inputSize = inDim;
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [batch, time] = shape;
    if (shape.length !== 3)
      throw new RangeError(`lowbit: ${this.name} expects input [batch, time, inputDim]; got [${shape.join(", ")}]`);
    const output = this.returnSequences ? [batch, time, this.units] : [batch, this.units];
    return this.returnState ? [output, [batch, this.units], [batch, this.units]] : output;
  }

  /** The zero state for a batch. */
  initialState(batch: number): LstmState {
    return { h: tf.zeros([batch, this.units]), c: tf.zeros([batch, this.units]) };
  }

  /**
   * One time step from an explicit state, for hand-written loops; quantizes the weights on
   * every call (stochastic weight quantizers draw a new stream per step).
   */
  step(x: tf.Tensor2D, state: LstmState): LstmState {
    if (!this.built) this.build(x.shape);
    const [h, c] = tf.tidy(() => {
      const [wx, wh] = this.splitKernel();
      const next = this.cell(tf.matMul(x, wx).add(this.bias!.read()), state, wh);
      return [next.h, next.c];
    });
    return { h, c };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0] as tf.Tensor3D;
      if (x.rank !== 3)
        throw new RangeError(`lowbit: ${this.name} expects input [batch, time, inputDim]; got [${x.shape.join(", ")}]`);
      if (list.length !== 1 && list.length !== 3)
        throw new RangeError(`lowbit: ${this.name} expects inputs x or [x, h0, c0]; got ${list.length} tensors`);
      const [batch, time, inDim] = x.shape;
      const [wx, wh] = this.splitKernel();
      const projected = tf
        .matMul(x.reshape([batch * time, inDim]), wx)
        .add(this.bias!.read())
        .reshape([batch, time, 4 * this.units]);
      const steps = tf.unstack(projected, 1) as tf.Tensor2D[];
      let state =
        list.length === 3 ? { h: list[1] as tf.Tensor2D, c: list[2] as tf.Tensor2D } : this.initialState(batch);
      const outputs: tf.Tensor2D[] = [];
      for (const zx of steps) {
        state = this.cell(zx, state, wh);
        outputs.push(state.h);
      }
      const output = this.returnSequences ? tf.stack(outputs, 1) : state.h;
      return this.returnState ? [output, state.h, state.c] : output;
    });
  }

  /** The quantized weight view (straight-through), split into its input and recurrent parts. */
  private splitKernel(): [tf.Tensor2D, tf.Tensor2D] {
    const w = this.weightView() as tf.Tensor2D;
    return tf.split(w, [this.inputDim, this.units], 0) as [tf.Tensor2D, tf.Tensor2D];
  }

  /** One step given the input's share of the pre-activations, zx = x W_x + b. */
  private cell(zx: tf.Tensor2D, state: LstmState, wh: tf.Tensor2D): LstmState {
    const u = this.units;
    let z: tf.Tensor = zx.add(tf.matMul(state.h, wh));
    if (this.gates.input) z = ste((t) => this.gates.input!.apply(t))(z);
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    let act: tf.Tensor = tf.concat([tf.sigmoid(zi), tf.sigmoid(zf), tf.tanh(zg), tf.sigmoid(zo)], 1);
    if (this.gates.output) act = ste((t) => this.gates.output!.apply(t))(act);
    const [i, f, g, o] = tf.split(act, [u, u, u, u], 1);
    const c = f.mul(state.c).add(i.mul(g)) as tf.Tensor2D;
    const h = this.quantizedOutput(o.mul(tf.tanh(c))) as tf.Tensor2D;
    return { h, c };
  }

  protected override unsavedParts(): string[] {
    return [...super.unsavedParts(), ...Object.keys(this.gates).map((key) => `gates.${key}`)];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      unitForgetBias: this.unitForgetBias,
    };
  }
}
tf.serialization.registerClass(QuantLstm);

export function quantLstm(args: QuantLstmArgs): QuantLstm {
  return new QuantLstm(args);
}
