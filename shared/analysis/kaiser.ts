/** The zeroth-order modified Bessel function of the first kind, I0(x), by its power series. */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
  }
  return sum;
}

/** The Kaiser window at `t` in [-1, 1] (0 outside) for shape `beta`. */
export function kaiser(t: number, beta: number): number {
  return Math.abs(t) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - t * t)) / besselI0(beta);
}
