/**
 * A vocabulary: tokens and their ids, for sequence tasks. Ids 0, 1, 2 are the special tokens
 * PAD (fills sequences to a fixed length), BOS (starts the decoder's input) and EOS (ends a
 * sentence); the task's own tokens follow in the order given.
 */
export const PAD = "<pad>";
export const BOS = "<bos>";
export const EOS = "<eos>";

export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  /** `tokens`: the task's tokens, distinct, without the special ones. */
  constructor(tokens: readonly string[]) {
    const all = [PAD, BOS, EOS, ...tokens];
    this.ids = new Map(all.map((t, i) => [t, i]));
    if (this.ids.size !== all.length)
      throw new RangeError("lowbit: Vocabulary tokens must be distinct and must not include <pad>, <bos> or <eos>");
    this.tokens = all;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of a token; a RangeError for a token outside the vocabulary. */
  id(token: string): number {
    const i = this.ids.get(token);
    if (i === undefined) throw new RangeError(`lowbit: token ${JSON.stringify(token)} is not in the vocabulary`);
    return i;
  }

  /** The token of an id. */
  token(id: number): string {
    const t = this.tokens[id];
    if (t === undefined)
      throw new RangeError(`lowbit: token id must be an integer in [0, ${this.size - 1}]; got ${id}`);
    return t;
  }

  /** Ids up to the first EOS (excluded), as tokens, without PAD and BOS: a decoded sentence. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.token(ids[i]);
      if (t === EOS) break;
      if (t !== PAD && t !== BOS) out.push(t);
    }
    return out;
  }
}
