/**
 * QNN's approximate power of two (Hubara et al., JMLR 2017; papers.md section 4):
 *   AP2(x) = sign(x) * 2^round(log2 |x|),  AP2(0) = 0.
 * Multiplying by AP2(x) is a bit shift, which is how QNN's shift-based batch norm and AdaMax
 * avoid multipliers. Unlike the powerOfTwo format it has no exponent range: every float32
 * exponent is kept. The rounding point between 2^n and 2^(n+1) is 2^(n+1/2), irrational, so
 * there are no ties; log2 is computed in float32, which may put an |x| within about 1e-7
 * (relative) of that point on the other side.
 */
import * as tf from "@tensorflow/tfjs";

export function ap2(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const exponent = tf.round(tf.log(tf.abs(x)).div(Math.LN2));
    // log(0) = -inf gives 2^-inf = 0, and sign(0) = 0 keeps it zero.
    return tf.sign(x).mul(tf.pow(tf.scalar(2), exponent));
  });
}
