import type { UploadHandle, UploadResult } from '../shared/uploads/tus-upload.js';

/** One faked tus upload: what it was given, and the test's hands on how it ends. */
export interface FakeUpload {
  /** The file it uploads (the engine's key, or the wizard's path). */
  key: string;
  uploadUrl: string | null;
  onUrl: (url: string) => void;
  finish: (result: UploadResult) => void;
  /** Ends the stop that abort() began (as the real upload does once its creation answered). */
  stopped: () => void;
  aborted: boolean;
}

/**
 * A fake of `uploadFile`'s handle, pushed to `into`: it ends when the test calls `finish`, and
 * its abort ends when the test calls `stopped`.
 */
export function fakeUpload(
  into: FakeUpload[],
  key: string,
  options: { uploadUrl?: string | null; onUrl?: (url: string) => void } = {},
): UploadHandle {
  let finish!: (result: UploadResult) => void;
  let stopped!: () => void;
  const promise = new Promise<UploadResult>((resolve) => (finish = resolve));
  const stop = new Promise<void>((resolve) => (stopped = resolve));
  const upload: FakeUpload = {
    key,
    uploadUrl: options.uploadUrl ?? null,
    onUrl: options.onUrl ?? (() => undefined),
    finish,
    stopped,
    aborted: false,
  };
  into.push(upload);
  return {
    promise,
    abort: () => {
      upload.aborted = true;
      return stop;
    },
  };
}
