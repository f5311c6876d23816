/** Datasets: the IDX reader, image splits and their batches, MNIST and Fashion-MNIST. */
export { readIdx } from "./idx";
export type { IdxArray } from "./idx";
export { ImageSplit } from "./image_split";
export type { Batch, BatchOptions, ImageSplitInit, LabelEncoding, PixelRange, TensorOptions } from "./image_split";
export { DatasetNotFoundError } from "./dataset_files";
export { loadMnist, loadFashionMnist, MNIST_CLASSES, FASHION_MNIST_CLASSES } from "./mnist";
export type { ImageDataset, LoadImageDatasetOptions } from "./mnist";
export { BOS, EOS, PAD, Vocabulary } from "./vocabulary";
export { DIGITS, NUMBER_WORDS, numberSplit, numberTranslation, numberWords } from "./number_translation";
export type { NumberTranslation, NumberTranslationOptions, TranslationPair } from "./number_translation";
export { translationBatch } from "./translation_batch";
export type { TranslationBatch, TranslationShape } from "./translation_batch";
export {
  DEVILS_DICTIONARY_FILE,
  loadDevilsDictionary,
  oneHotWindows,
  prepareDevilsDictionary,
  windowStarts,
} from "./text_corpus";
export type { LoadTextOptions, TextCorpus } from "./text_corpus";
