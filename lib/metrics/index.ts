/** Evaluation metrics: corpus BLEU for translation. */
export { corpusBleu } from "./bleu";
export type { BleuScore } from "./bleu";
