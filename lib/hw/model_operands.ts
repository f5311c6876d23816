/**
 * The operands cost(model, { batch, phase }) reads from a lowbit model: each weight layer's
 * quantizers (their `format`), its `accumulation` option, and the model's training formats
 * (setTrainingFormats: input, master weights, shift update). A tensor without a quantizer is FP32.
 *
 *   weight      the layer's weight quantizer
 *   gradient    its gradient quantizer
 *   input       the format the layer's input arrives in: walking back through layers that only
 *               move values (pooling, flatten, reshape, dropout) to the layer that made it: a
 *               quantized layer's activation quantizer (a "sign" activation without one: binary),
 *               the model's input format for the input layer, FP32 for anything else (batch
 *               norm, a float layer). A QuantLstm also multiplies its own output h (the
 *               recurrent half of its kernel): the wider of the two.
 *   output      the format at the end of the layer's element-wise tail (the layers after it up to
 *               the next weight layer: batch norm, activation, pooling): what is stored for the
 *               next layer, or the model's output
 *   error       the gradient at the layer's output as its BWD and GRAD read it: its own error
 *               quantizer; else the first one met going down its tail through layers whose
 *               backward keeps the grid (value movers, QuantActivation's mask); a batch norm
 *               (its backward is float arithmetic) or the model's output make it FP32
 *   inputError  what BWD writes: the format the gradient at the layer's input is quantized to
 *               on the way back, the error quantizer met going up from it through value movers
 *               and QuantActivations, else FP32
 *   accumulator the layer's accumulation option for the GEMMs it emulates (its accumulator
 *               format; an accumulator without exponentBits, unbounded in the emulator, is priced
 *               with float32's 8, the range of the tensors summed); "exact" for the others
 *               (accumulator.ts: FINN-R's no-overflow width, or the operands' float)
 * A quantizer that declares no format is an error: cost then needs an explicit configuration.
 */
import type * as tf from "../backend/tf";
import { type Gemm, GEMMS, isPresetAccumulator } from "../accum/matmul";
import { resolvePreset } from "../accum/mma_dot";
import { modelWeightLayers } from "../layers/model_layers";
import { QuantLayer } from "../layers/quant_layer";
import type { QuantRole } from "../layers/quant_config";
import { QuantLstm } from "../layers/quant_lstm";
import { isKernel, MOVES_VALUES } from "../layers/summary";
import { trainingFormats } from "../layers/training_formats";
import type { NetworkLayer } from "../networks/network_layer";
import { binary, type Format, FP32 } from "../quant/formats";
import type { AccumulatorSpec } from "./accumulator";
import type { LayerOperands } from "./layer_operands";
import { floatOperand, FP32_OPERAND, type Operand, operandBits, operandOf } from "./operand";

const hasKernel = (layer: tf.layers.Layer) => layer.weights.some(isKernel);
const movesValues = (layer: tf.layers.Layer) => MOVES_VALUES.has(layer.getClassName());
/** A layer without weights that applies an activation and A / E quantizers. */
const isActivationLayer = (layer: tf.layers.Layer) => layer instanceof QuantLayer && !hasKernel(layer);
const inbound = (layer: tf.layers.Layer): tf.layers.Layer | undefined => layer.inboundNodes[0]?.inboundLayers[0];
/** The one layer reading `layer`'s output; undefined when none or several. */
function consumer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  const next = layer.outboundNodes.map((n) => n.outboundLayer);
  return next.length === 1 ? next[0] : undefined;
}

function quantizerFormat(layer: QuantLayer, role: QuantRole): Format | undefined {
  const q = layer.quant[role];
  if (q === undefined) return undefined;
  if (q.format === undefined) {
    throw new TypeError(
      `lowbit: cost: layer ${layer.name}'s ${role} quantizer "${q.label}" declares no format; give cost a configuration (a preset name or hwConfig({...}))`,
    );
  }
  return q.format;
}

/** The wider of two operands (by bits; a float over an integer of the same width). */
function wider(a: Operand, b: Operand): Operand {
  if (operandBits(a) !== operandBits(b)) return operandBits(a) > operandBits(b) ? a : b;
  return b.kind === "float" ? b : a;
}

function accumulatorOf(layer: tf.layers.Layer): Record<Gemm, AccumulatorSpec> {
  const emulated = layer instanceof QuantLayer ? layer.accumulation : undefined;
  const spec = (gemm: Gemm): AccumulatorSpec => {
    if (emulated === undefined || !(emulated.gemms ?? GEMMS).includes(gemm)) return "exact";
    const acc = emulated.accumulator;
    // A matrix unit is priced by its accumulator register: float32's 8 exponent bits and the
    // mantissa it keeps (23, or 13 for e8m13), or the FMA baseline's accumulator format.
    if (isPresetAccumulator(acc)) {
      const unit = resolvePreset("accumulation accumulator", acc).unit;
      return unit.kind === "fma"
        ? operandOf("accumulation accumulator", unit.accumulator)
        : floatOperand(8, unit.output.man);
    }
    // A format as it is; the short form { mantissaBits, exponentBits? } with an unbounded exponent
    // is priced with float32's 8 exponent bits.
    if ("kind" in acc) return operandOf("accumulation accumulator", acc);
    if (acc.accumulator !== undefined) return operandOf("accumulation accumulator", acc.accumulator);
    // The layer checked the option when it was built: without a format, mantissaBits is set.
    return floatOperand(acc.exponentBits ?? 8, acc.mantissaBits!);
  };
  return { FWD: spec("FWD"), BWD: spec("BWD"), GRAD: spec("GRAD") };
}

/** The weight layers of `model` with the operands of each, read from the model. */
export function modelOperands(model: tf.LayersModel): { layers: NetworkLayer[]; operands: LayerOperands[] } {
  const recorded = trainingFormats(model);
  const operand = (what: string, f: Format | undefined) =>
    f === undefined ? FP32_OPERAND : operandOf(`cost ${what}`, f);
  const forward = new Map<tf.layers.Layer, Format>();
  /** The format of `layer`'s output. */
  const formatOut = (layer: tf.layers.Layer): Format => {
    let f = forward.get(layer);
    if (f === undefined) {
      const from = inbound(layer);
      if (from === undefined) f = recorded.input ?? FP32;
      else if (layer instanceof QuantLayer)
        f = quantizerFormat(layer, "activation") ?? (layer.activationName === "sign" ? binary() : FP32);
      else f = movesValues(layer) ? formatOut(from) : FP32;
      forward.set(layer, f);
    }
    return f;
  };
  /** The gradient's format at `layer`'s output, going down its tail (see above). */
  const errorAt = (layer: tf.layers.Layer): Format => {
    const own = layer instanceof QuantLayer ? quantizerFormat(layer, "error") : undefined;
    if (own !== undefined) return own;
    const next = consumer(layer);
    return next !== undefined && !hasKernel(next) && (movesValues(next) || isActivationLayer(next))
      ? errorAt(next)
      : FP32;
  };
  /** The format the gradient at `layer`'s output is quantized to, going up from it. */
  const errorUp = (layer: tf.layers.Layer | undefined): Format => {
    if (layer === undefined) return FP32;
    const own = layer instanceof QuantLayer ? quantizerFormat(layer, "error") : undefined;
    if (own !== undefined) return own;
    return movesValues(layer) || isActivationLayer(layer) ? errorUp(inbound(layer)) : FP32;
  };
  /** The last layer of `layer`'s element-wise tail. */
  const tailEnd = (layer: tf.layers.Layer): tf.layers.Layer => {
    const next = consumer(layer);
    return next !== undefined && !hasKernel(next) ? tailEnd(next) : layer;
  };

  const found = modelWeightLayers(model);
  const operands = found.map(({ layer }): LayerOperands => {
    const q = (role: QuantRole) => (layer instanceof QuantLayer ? quantizerFormat(layer, role) : undefined);
    const from = inbound(layer);
    let input = operand(`layer ${layer.name} input`, from === undefined ? recorded.input : formatOut(from));
    if (layer instanceof QuantLstm) input = wider(input, operand(`layer ${layer.name} output`, formatOut(layer)));
    return {
      weight: operand(`layer ${layer.name} weight`, q("weight")),
      input,
      output: operand(`layer ${layer.name} output`, formatOut(tailEnd(layer))),
      error: operand(`layer ${layer.name} error`, errorAt(layer)),
      inputError: operand(`layer ${layer.name} input error`, errorUp(from)),
      gradient: operand(`layer ${layer.name} gradient`, q("gradient")),
      master: operand("master", recorded.master),
      accumulator: accumulatorOf(layer),
      shiftUpdate: recorded.shiftUpdate ?? false,
    };
  });
  return { layers: found.map((w) => w.figures), operands };
}
