/** The operand check the dot-product models share: two Float32Arrays of one length. */
export function checkDotOperands(what: string, a: unknown, b: unknown): asserts a is Float32Array {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array))
    throw new TypeError(`lowbit: ${what} a and b must be Float32Arrays`);
  if (a.length !== b.length)
    throw new RangeError(`lowbit: ${what} a and b must have the same length; got ${a.length} and ${b.length}`);
}
