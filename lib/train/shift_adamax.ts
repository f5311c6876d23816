/**
 * QNN's shift-based AdaMax (Hubara et al., JMLR 2017): AdaMax with every
 * multiplication by a variable replaced by a multiplication by a power of two, a bit shift:
 *   m_t = beta1 m + (1 - beta1) g,   v_t = max(beta2 v, |g|)
 *   w  <- w - AP2(lr / (1 - beta1^t)) * m_t * AP2(1 / (v_t + epsilon))
 * with AP2(x) = sign(x) 2^round(log2 |x|). beta1, beta2 stay constants (fixed shifts in
 * hardware). The plain AdaMax, Adam and SGD (with momentum) are tfjs's tf.train.adamax,
 * tf.train.adam, tf.train.sgd and tf.train.momentum.
 */
import * as tf from "../backend/tf";
import { ap2 } from "../quant";

type NamedTensor = Awaited<ReturnType<tf.Optimizer["getWeights"]>>[number];

export class ShiftAdaMax extends tf.Optimizer {
  static className = "ShiftAdaMax";
  private moments: { m: tf.Variable; v: tf.Variable }[] = [];

  constructor(
    private learningRate = 0.002,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    super();
    if (!(learningRate > 0 && Number.isFinite(learningRate)))
      throw new RangeError(`lowbit: shiftAdaMax learningRate must be a finite number > 0; got ${learningRate}`);
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
      throw new RangeError(`lowbit: shiftAdaMax beta1 and beta2 must be in [0, 1); got ${beta1}, ${beta2}`);
    }
  }

  /** The step size of the next updates (what setLearningRate calls). */
  setLearningRate(value: number): void {
    if (!(value > 0 && Number.isFinite(value)))
      throw new RangeError(`lowbit: shiftAdaMax learningRate must be a finite number > 0; got ${value}`);
    this.learningRate = value;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((g) => g.name)
      : Object.keys(variableGradients);
    const t = this.iterations + 1;
    tf.tidy(() => {
      const stepSize = ap2(tf.scalar(this.learningRate / (1 - this.beta1 ** t)));
      names.forEach((name, i) => {
        const w = tf.engine().registeredVariables[name];
        const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (g == null) return;
        this.moments[i] ??= {
          m: tf.keep(tf.zerosLike(w).variable(false)),
          v: tf.keep(tf.zerosLike(w).variable(false)),
        };
        const { m, v } = this.moments[i];
        m.assign(m.mul(this.beta1).add(g.mul(1 - this.beta1)));
        v.assign(tf.maximum(v.mul(this.beta2), g.abs()));
        w.assign(w.sub(stepSize.mul(m).mul(ap2(v.add(this.epsilon).reciprocal()))));
      });
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      ...this.moments.map(({ m }, i) => ({ name: `m${i}`, tensor: m })),
      ...this.moments.map(({ v }, i) => ({ name: `v${i}`, tensor: v })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    tf.dispose(this.moments.flatMap(({ m, v }) => [m, v]));
    const count = rest.length / 2;
    this.moments = Array.from({ length: count }, (_, i) => ({
      m: rest[i].tensor.variable(false),
      v: rest[count + i].tensor.variable(false),
    }));
  }

  override dispose(): void {
    tf.dispose(this.moments.flatMap(({ m, v }) => [m, v]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export function shiftAdaMax(learningRate?: number, beta1?: number, beta2?: number, epsilon?: number): ShiftAdaMax {
  return new ShiftAdaMax(learningRate, beta1, beta2, epsilon);
}
