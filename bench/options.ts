/** A command-line option's text as a whole number of at least `min`, or an error naming it. */
export function wholeOption(name: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return n;
}
