/** The container/codec families the decode layer reads. */
export type AudioFormat =
  'wav' | 'aiff' | 'caf' | 'flac' | 'mp3' | 'ogg-vorbis' | 'opus' | 'm4a' | FfmpegOnlyFormat;

/** Formats recognised by their first bytes but decoded only by ffmpeg (native, or ffmpeg.wasm). */
export type FfmpegOnlyFormat = 'wavpack' | 'w64' | 'wma' | 'au';

/** What a stream is, as far as its header (and the decoder) says. */
export interface StreamInfo {
  format: AudioFormat;
  /** e.g. 'pcm_s24le', 'pcm_f32le', 'flac', 'mp3', 'vorbis', 'opus', 'aac'. */
  codec: string;
  /** Hz, of the PCM handed to the sink. */
  sampleRate: number;
  channels: number;
  /** Where the container says (PCM, FLAC), else null. */
  bitDepth: number | null;
  /** Total sample frames if the container declares it, else null. May exceed what a truncated file holds. */
  declaredFrames: number | null;
}

/** Receives a decoded stream. */
export interface PcmSink {
  /** Called once, before any pcm(). */
  info(info: StreamInfo): void;
  /** A planar chunk at info.sampleRate, all channels the same length, nominally [-1, 1]. */
  pcm(channels: Float32Array[]): void;
}

/** A push decoder: bytes in (chunks of any size), PCM out to its sink as it becomes available. */
export interface StreamDecoder {
  /** Feeds the next bytes of the file. Rejects with DecodeError when the bytes cannot be audio of this format. */
  write(bytes: Uint8Array): Promise<void>;
  /** Signals the end of the file and emits what is left. Rejects with DecodeError ('empty', 'corrupt', 'truncated'). */
  end(): Promise<void>;
  /** Releases decoder memory (WASM heaps). Safe to call more than once, and after errors. */
  free(): void;
}
