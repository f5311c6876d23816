/**
 * The part quantizeUpdates and storeQuantized share: an optimizer that wraps another, lets it
 * compute the update, and changes only what is written back. Its state (momentum, moments) is
 * the inner optimizer's, so weights, checkpoints and disposal go to the inner one.
 */
import * as tf from "../backend/tf";

export type NamedTensor = Awaited<ReturnType<tf.Optimizer["getWeights"]>>[number];
export type VariableGradients = tf.NamedTensorMap | NamedTensor[];

export abstract class WrappedOptimizer extends tf.Optimizer {
  constructor(readonly inner: tf.Optimizer) {
    super();
  }

  /** The names of the variables a call of applyGradients updates. */
  protected variableNames(variableGradients: VariableGradients): string[] {
    return Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await this.inner.setWeights(weightValues);
  }

  override dispose(): void {
    this.inner.dispose();
  }
}
