import { createHalfbandDecimator, type Decimator } from './halfband.js';
import { kaiser } from './kaiser.js';

/**
 * Streaming rational resampler for mono PCM: a polyphase Kaiser-windowed sinc filter whose
 * cutoff sits below the lower of the two Nyquist rates, so nothing above the output band
 * aliases into it. Quality is set for analysis (about 70 dB stop band, 8 zero crossings),
 * not for listening.
 */
export interface StreamResampler {
  /** Resamples the next chunk; returns the output samples it makes available now. */
  push(input: Float32Array): Float32Array;
  /** Flushes the filter's tail; call once after the last push. */
  end(): Float32Array;
}

const ZERO_CROSSINGS = 8;
const KAISER_BETA = 7;
const MAX_PHASES = 4096;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Resamples a whole buffer at once (a stream of one chunk, flushed). */
export function resampleWhole(
  input: Float32Array,
  inputRate: number,
  outputRate: number,
): Float32Array {
  const resampler = createResampler(inputRate, outputRate);
  const head = resampler.push(input);
  const tail = resampler.end();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/**
 * Creates a resampler from `inputRate` to `outputRate` (Hz, positive integers). Large
 * reductions (44.1/48/96 kHz to 11025 Hz) first halve the rate with cheap halfband stages
 * while at least 3.5 times the output rate remains, then finish with the sharp polyphase filter.
 * Equal rates pass samples through unchanged. Rates whose ratio needs more than 4096 phases
 * are approximated by the nearest of 4096 phases (an error below 0.02 % of a sample).
 */
export function createResampler(inputRate: number, outputRate: number): StreamResampler {
  if (!(inputRate > 0 && outputRate > 0)) throw new RangeError('sample rates must be positive');
  const stages: Decimator[] = [];
  let rate = inputRate;
  while (rate % 2 === 0 && rate / outputRate >= 3.5) {
    stages.push(createHalfbandDecimator());
    rate /= 2;
  }
  if (stages.length === 0) return createPolyphaseResampler(inputRate, outputRate);
  const last = createPolyphaseResampler(rate, outputRate);
  const through = (x: Float32Array) => stages.reduce((signal, stage) => stage.push(signal), x);
  return {
    push: (input) => last.push(through(input)),
    end() {
      let signal = new Float32Array(0);
      for (const stage of stages) {
        const pushedOut = stage.push(signal);
        const tail = stage.end();
        signal = new Float32Array(pushedOut.length + tail.length);
        signal.set(pushedOut);
        signal.set(tail, pushedOut.length);
      }
      const head = last.push(signal);
      const tail = last.end();
      const out = new Float32Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    },
  };
}

function createPolyphaseResampler(inputRate: number, outputRate: number): StreamResampler {
  if (inputRate === outputRate) {
    return { push: (input) => input.slice(), end: () => new Float32Array(0) };
  }
  const g = gcd(Math.round(inputRate), Math.round(outputRate));
  let up = Math.round(outputRate) / g; // number of phases
  let down = Math.round(inputRate) / g;
  if (up > MAX_PHASES) {
    down = Math.round((down * MAX_PHASES) / up);
    up = MAX_PHASES;
  }
  const cutoff = Math.min(1, up / down) * 0.92; // relative to the input Nyquist
  const halfTaps = Math.ceil((ZERO_CROSSINGS / cutoff) * 1);
  const taps = 2 * halfTaps;
  // table[phase * taps + k] weights input sample (base - halfTaps + 1 + k) for output phase.
  const table = new Float32Array(up * taps);
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const x = k - halfTaps + 1 - frac; // distance in input samples
      const t = x / (halfTaps + 1);
      const window = kaiser(t, KAISER_BETA);
      const arg = Math.PI * x * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const w = cutoff * sinc * window;
      table[phase * taps + k] = w;
      sum += w;
    }
    for (let k = 0; k < taps; k++) table[phase * taps + k]! /= sum;
  }

  // Input history: the last (taps) samples before the current block, zero-padded at start.
  let history = new Float32Array(taps);
  let historyStart = -taps; // absolute index of history[0]
  let consumed = 0; // absolute count of input samples pushed
  let position = 0; // absolute output index * down, as input position numerator (in units of 1/up)

  function render(buffer: Float32Array, bufferStart: number, available: number): Float32Array {
    const bound = Math.max(0, Math.floor(((available - halfTaps) * up - position) / down) + 2);
    const out = new Float32Array(bound);
    let count = 0;
    for (;;) {
      const base = Math.floor(position / up);
      const phase = position - base * up;
      const first = base - halfTaps + 1;
      if (first + taps > available) break;
      let acc = 0;
      const offset = first - bufferStart;
      const row = phase * taps;
      for (let k = 0; k < taps; k++) acc += buffer[offset + k]! * table[row + k]!;
      out[count++] = acc;
      position += down;
    }
    return out.subarray(0, count);
  }

  function pushInternal(input: Float32Array): Float32Array {
    const buffer = new Float32Array(history.length + input.length);
    buffer.set(history, 0);
    buffer.set(input, history.length);
    consumed += input.length;
    const out = render(buffer, historyStart, consumed);
    // Keep only what the next output may still need.
    const needFrom = Math.floor(position / up) - halfTaps + 1;
    const keepFrom = Math.max(0, Math.min(buffer.length, needFrom - historyStart));
    history = buffer.slice(keepFrom);
    historyStart += keepFrom;
    return out;
  }

  return {
    push: pushInternal,
    end() {
      // Output continues while its centre lies inside the input: ceil(consumed * up / down) samples.
      const total = Math.ceil((consumed * up) / down);
      const produced = position / down;
      if (produced >= total) return new Float32Array(0);
      const tail = pushInternal(new Float32Array(taps));
      consumed -= taps;
      return tail.subarray(0, Math.max(0, total - produced));
    },
  };
}
