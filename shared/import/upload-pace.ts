/** Where the uploads' pace is counted from: when they started or went on, and the bytes sent then. */
export interface PaceStart {
  at: number;
  sent: number;
}

/**
 * Below this many seconds of uploading, or this share of the bytes to send, the pace says too
 * little to go by: the first seconds hold the uploads' creation requests and a slow start.
 */
const MIN_ELAPSED_S = 2;
const MIN_SHARE_SENT = 0.02;

/**
 * The uploads' pace since `start` (bytes a second) and the seconds they still need at it; null
 * when there is none yet to go by (just started, too little sent since). `now` and `start.at`
 * in ms. The CLI's progress line and the wizard's upload step both read it. Pure.
 */
export function uploadPace(
  start: PaceStart | null,
  now: number,
  sent: number,
  total: number,
): { bytesPerS: number; etaS: number } | null {
  if (!start) return null;
  const elapsedS = (now - start.at) / 1000;
  const moved = sent - start.sent;
  if (elapsedS < MIN_ELAPSED_S || moved <= 0 || moved < MIN_SHARE_SENT * (total - start.sent))
    return null;
  const bytesPerS = moved / elapsedS;
  return { bytesPerS, etaS: Math.max(0, total - sent) / bytesPerS };
}
