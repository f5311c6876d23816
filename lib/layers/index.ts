/**
 * `lowbit/layers`: tfjs layers whose tensors pass through quantizers. quantDense, quantConv2d,
 * quantLstm and quantActivation take a QuantConfig {weight, activation, gradient, error} of
 * quantizers (formatQuantizer(format), dfpQuantizer, logQuantizer, sqWeight, WAGE's wageWeight,
 * wageActivation, wageGradient, wageError) and an `accumulation` option for their GEMMs
 * (quantDense also a per-GEMM `recipe`: MXFP8, NVFP4, MXFP4 with SR and RHT, ...);
 * causalSelfAttention, positionEmbedding and layerNorm are the weightless attention core, the
 * learned positions and the normalization of a decoder-only transformer; shiftBatchNorm is QNN's shift-based batch norm; summary(model) lists each layer's formats and
 * MACs; setTrainingFormats records a model's input, master-weight and update formats.
 */
import "../backend";

export { ACTIVATIONS } from "./activations";
export type { Activation } from "./activations";
export { QUANT_ROLES } from "./quant_config";
export type { QuantConfig, QuantRole } from "./quant_config";
export { QuantLayer } from "./quant_layer";
export type { QuantLayerArgs } from "./quant_layer";
export { QuantConv2d, quantConv2d } from "./quant_conv2d";
export type { QuantConv2dArgs } from "./quant_conv2d";
export { QuantDense, quantDense } from "./quant_dense";
export type { QuantDenseArgs } from "./quant_dense";
export { CausalSelfAttention, causalSelfAttention } from "./causal_self_attention";
export type { CausalSelfAttentionArgs } from "./causal_self_attention";
export { LayerNorm, layerNorm } from "./layer_norm";
export type { LayerNormArgs } from "./layer_norm";
export { PositionEmbedding, positionEmbedding } from "./position_embedding";
export type { PositionEmbeddingArgs } from "./position_embedding";
export { dfpQuantizer, formatQuantizer } from "./tensor_quantizer";
export { logQuantizer } from "./log_quantizer";
export type { TensorQuantizer } from "./tensor_quantizer";
export { wageActivation, wageError, wageGradient, wageInit, wageWeight } from "./wage";
export type { WageGradientQuantizer } from "./wage";
export { QuantActivation, quantActivation } from "./quant_activation";
export type { QuantActivationArgs } from "./quant_activation";
export { QuantLstm, quantLstm } from "./quant_lstm";
export type { LstmState, QuantLstmArgs } from "./quant_lstm";
export { ShiftBatchNorm, shiftBatchNorm } from "./shift_batch_norm";
export type { ShiftBatchNormArgs } from "./shift_batch_norm";
export { summary } from "./summary";
export type { ModelWeightLayer } from "./model_layers";
export { setTrainingFormats, trainingFormats } from "./training_formats";
export type { TrainingFormats } from "./training_formats";
export type { LayerBits, MacGroup, ModelSummary, SummaryOptions, SummaryRow, SummaryTotals } from "./summary";
export { setSqRatio, sqWeight } from "./sq_weight";
export type { SqWeightOptions, SqWeightQuantizer } from "./sq_weight";
export { quantizerState } from "./quantizer_state";
export type { QuantizerState, QuantizerStates } from "./quantizer_state";
