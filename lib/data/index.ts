/**
 * `lowbit/data`: datasets and batches. loadMnist and loadFashionMnist give ImageSplits whose
 * batches() are seeded; readIdx reads the IDX files; numberTranslation (numbers to English words)
 * with Vocabulary and translationBatch for the seq2seq translator; loadDevilsDictionary and
 * oneHotWindows, a character corpus for the character LSTM.
 */
import "../backend";

export { readIdx } from "./idx";
export type { IdxArray } from "./idx";
export { ImageSplit } from "./image_split";
export type { Batch, BatchOptions, ImageSplitInit, LabelEncoding, PixelRange, TensorOptions } from "./image_split";
export { DatasetNotFoundError } from "./dataset_files";
export { loadMnist, loadFashionMnist, MNIST_CLASSES, FASHION_MNIST_CLASSES } from "./mnist";
export type { ImageDataset, LoadImageDatasetOptions } from "./mnist";
export { BOS, EOS, PAD, Vocabulary } from "./vocabulary";
export { DIGITS, NUMBER_WORDS, numberTranslation, numberWords } from "./number_translation";
export type { NumberTranslation, NumberTranslationOptions, TranslationPair } from "./number_translation";
export { translationBatch } from "./translation_batch";
export type { TranslationBatch, TranslationShape } from "./translation_batch";
export {
  loadDevilsDictionary,
  oneHotWindows,
  randomWindows,
  windowStarts,
} from "./text_corpus";
export type { LoadTextOptions, TextCorpus } from "./text_corpus";
