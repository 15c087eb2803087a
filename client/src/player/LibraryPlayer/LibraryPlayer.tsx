import { useEffect, useRef, useState } from 'react';
import { wavOf } from '../decoded-wav.js';
import { librarySoundUrl } from '../library-sound.js';

/**
 * A library sound's Play button, which becomes the browser's own player (streaming from the
 * server; a format the browser cannot play, such as AIFF in Chromium, decoded in the page and
 * played as WAV) once pressed. `testIds` names both for e2e specs (`library-play` / `library-player`
 * on the library's rows, `similar-play` / `similar-player` in a sound's similar list).
 */
export function LibraryPlayer({
  assetId,
  playing,
  onPlay,
  testIds,
}: {
  assetId: string;
  playing: boolean;
  onPlay: () => void;
  testIds: 'library' | 'similar';
}) {
  return playing ? (
    <DecodingAudio src={librarySoundUrl(assetId)} testId={`${testIds}-player`} />
  ) : (
    <button type="button" data-testid={`${testIds}-play`} onClick={onPlay}>
      Play
    </button>
  );
}

/** The browser's player of `src`; once it says it cannot play the format, a decoded WAV of it. */
function DecodingAudio({ src, testId }: { src: string; testId: string }) {
  const [decoded, setDecoded] = useState<string | null>(null);
  const tried = useRef(false);
  const shown = useRef(true);
  useEffect(() => {
    shown.current = true;
    return () => {
      shown.current = false;
    };
  }, []);
  useEffect(
    () => () => {
      if (decoded) URL.revokeObjectURL(decoded);
    },
    [decoded],
  );
  return (
    <audio
      controls
      autoPlay
      src={decoded ?? src}
      data-testid={testId}
      onError={(event) => {
        if (
          tried.current ||
          event.currentTarget.error?.code !== MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
        )
          return;
        tried.current = true;
        wavOf(src).then(
          (wav) => {
            if (shown.current) setDecoded(URL.createObjectURL(wav));
          },
          () => undefined, // the player shows it cannot play
        );
      }}
    />
  );
}
