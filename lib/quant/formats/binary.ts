/**
 * Binary values +-1 (QNN): deterministic sign(x) with +1 for x >= 0, or stochastic: +1 with
 * probability hard_sigmoid(x) = clip((x + 1) / 2, 0, 1).
 */
export interface BinaryFormat {
  readonly kind: "binary";
  readonly stochastic: boolean;
}

export function binary({ stochastic = false }: { stochastic?: boolean } = {}): BinaryFormat {
  return { kind: "binary", stochastic };
}
