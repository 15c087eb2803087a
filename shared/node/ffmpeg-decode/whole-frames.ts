const EMPTY = new Uint8Array(0);

/**
 * Regroups a byte stream (a pipe from ffmpeg) into chunks that hold whole frames of
 * `frameBytes` each: a frame split across two reads waits for its other half. Chunks are
 * views of the stream's own buffers where possible, so use each before asking for the next.
 */
export async function* wholeFrames(
  stream: AsyncIterable<Uint8Array>,
  frameBytes: number,
): AsyncGenerator<Uint8Array> {
  let carry = EMPTY;
  for await (const chunk of stream) {
    let bytes = chunk;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const whole = bytes.length - (bytes.length % frameBytes);
    if (whole > 0) yield bytes.subarray(0, whole);
    carry = whole < bytes.length ? bytes.slice(whole) : EMPTY;
  }
}
