/**
 * The canonical PCM every analysis function receives: mono, at this rate in Hz.
 * 11025 Hz keeps everything tempo, key and fingerprint need (content up to 5.5 kHz)
 * at a quarter of the cost of 44.1 kHz, and is an integer divisor of 44.1 kHz.
 */
export const ANALYSIS_SAMPLE_RATE = 11025;

/**
 * At most this many seconds of canonical PCM are kept for tempo, key and fingerprint,
 * so that a 2-hour mix is analysed in bounded memory (26 MB of Float32 at 11025 Hz).
 * Duration, peak, loudness and the waveform overview always cover the whole file.
 */
export const MAX_ANALYSIS_WINDOW_S = 600;

/**
 * The fingerprint's detail excerpt (the fine structure of a sound's attack, which tells a codec
 * copy from another recording of the same hit) is resampled to this rate: content up to 10 kHz,
 * under every common codec's low-pass.
 */
export const DETAIL_SAMPLE_RATE = 22050;

/** At most this many seconds from a stream's start are kept for the detail excerpt. */
export const DETAIL_WINDOW_S = 10;
