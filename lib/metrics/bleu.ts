/**
 * Corpus BLEU (Papineni et al. 2002), the score of GNMT and of Su et al.'s 8-bit GNMT claim:
 *
 *   p_n  = sum over sentences of clipped n-gram matches / sum of hypothesis n-grams,
 *          a match clipped to the most times the n-gram occurs in any one reference;
 *   BP   = 1 if c > r, else exp(1 - r / c),    c = total hypothesis length,
 *          r = sum of each sentence's reference length closest to its hypothesis (ties: the shorter);
 *   BLEU = BP * exp( sum_{n=1..N} (1/N) log p_n ),   N = 4 by default,
 *
 * counts summed over the corpus before dividing (not an average of sentence scores), no smoothing:
 * BLEU is 0 when some order has no match at all, and when the hypotheses are empty. The same
 * definition as NLTK's corpus_bleu and multi-bleu.perl on tokenised text; returned in [0, 1]
 * (papers print 100 x BLEU).
 */
import { checkInteger } from "../core/checks";

export interface BleuScore {
  /** The score, in [0, 1]. */
  bleu: number;
  /** p_1 ... p_N. */
  precisions: number[];
  brevityPenalty: number;
  /** c: total hypothesis tokens. */
  hypothesisLength: number;
  /** r: total effective reference tokens. */
  referenceLength: number;
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // The unit separator cannot occur inside a token of a tokenised sentence in practice, so joined keys stay distinct.
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join("\u001f");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * hypotheses[i]: the tokens of sentence i; references[i]: one or more reference token lists for
 * it. maxOrder: N, an integer in [1, 8] (default 4).
 */
export function corpusBleu(
  hypotheses: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
  options: { maxOrder?: number } = {},
): BleuScore {
  const { maxOrder = 4 } = options;
  checkInteger("corpusBleu maxOrder", maxOrder, 1, 8);
  if (!Array.isArray(hypotheses) || !Array.isArray(references))
    throw new TypeError("lowbit: corpusBleu hypotheses and references must be arrays of token arrays");
  if (hypotheses.length !== references.length) {
    throw new RangeError(
      `lowbit: corpusBleu needs one reference list per hypothesis; got ${hypotheses.length} hypotheses and ${references.length} reference lists`,
    );
  }
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let c = 0,
    r = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = references[i];
    if (refs.length === 0) throw new RangeError(`lowbit: corpusBleu sentence ${i} has no reference`);
    c += hyp.length;
    // The closest reference length; on a tie the shorter one.
    r += refs
      .map((ref: readonly string[]) => ref.length)
      .reduce((best: number, len: number) => {
        const d = Math.abs(len - hyp.length),
          bd = Math.abs(best - hyp.length);
        return d < bd || (d === bd && len < best) ? len : best;
      });
    for (let n = 1; n <= maxOrder; n++) {
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [k, v] of ngramCounts(ref, n)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, v));
      for (const [k, v] of ngramCounts(hyp, n)) {
        matches[n - 1] += Math.min(v, maxRef.get(k) ?? 0);
        totals[n - 1] += v;
      }
    }
  });
  const precisions = matches.map((m, i) => (totals[i] === 0 ? 0 : m / totals[i]));
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const bleu = precisions.some((p) => p === 0)
    ? 0
    : brevityPenalty * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder);
  return { bleu, precisions, brevityPenalty, hypothesisLength: c, referenceLength: r };
}
