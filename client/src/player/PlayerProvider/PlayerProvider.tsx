import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { wavOf } from '../decoded-wav.js';
import { librarySoundUrl } from '../library-sound.js';
import { soundKey, type Sound } from '../sound.js';

/** How the sound loaded in the player stands, as its media events said. */
export type PlayState = 'loading' | 'playing' | 'error';

export interface Player {
  /** The sound loaded now (by soundKey) and its state; null when nothing plays. */
  current: { key: string; state: PlayState } | null;
  /** Whether the page can play this sound (a file's bytes are gone after a reload). */
  canPlay: (sound: Sound) => boolean;
  /** Plays the sound, stopping any other; stops it when it is the one playing. */
  toggle: (sound: Sound) => void;
}

const PlayerContext = createContext<Player | null>(null);

/** The player of the nearest PlayerProvider. */
export function usePlayer(): Player {
  const player = useContext(PlayerContext);
  if (!player) throw new Error('usePlayer needs a PlayerProvider above it');
  return player;
}

/** Where the player reads a sound from; `made`: an object URL of this page, to revoke. */
function sourceOf(
  sound: Sound,
  fileOf: (path: string) => Blob | undefined,
): { url: string; made: boolean } | null {
  if (sound.kind === 'library') return { url: librarySoundUrl(sound.assetId), made: false };
  const blob = fileOf(sound.path);
  return blob ? { url: URL.createObjectURL(blob), made: true } : null;
}

/**
 * One audio element for the buttons below it, so that one sound plays at a time: a file from
 * the File this page holds (an object URL, revoked when it stops), a library sound from the
 * server. A sound whose format the browser cannot play (Chromium plays no AIFF or CAF) is
 * decoded in the page and played as WAV. Stops when it goes.
 */
export function PlayerProvider({
  fileOf,
  children,
}: {
  fileOf: (path: string) => Blob | undefined;
  children: ReactNode;
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const objectUrl = useRef<string | null>(null);
  /** The sound asked for last, and whether it is already being played from a decoded WAV. */
  const asked = useRef<{ key: string; decoded: boolean } | null>(null);
  const [current, setCurrent] = useState<Player['current']>(null);

  const release = useCallback(() => {
    if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
    objectUrl.current = null;
  }, []);

  const stop = useCallback(() => {
    const element = audio.current;
    if (element) {
      element.pause();
      element.removeAttribute('src');
      element.load();
    }
    release();
    asked.current = null;
    setCurrent(null);
  }, [release]);

  useEffect(() => release, [release]);

  const player = useMemo((): Player => {
    const canPlay = (sound: Sound) => sound.kind === 'library' || fileOf(sound.path) !== undefined;
    const play = (sound: Sound, key: string) => {
      const element = audio.current;
      const source = element ? sourceOf(sound, fileOf) : null;
      if (!element || !source) return;
      const before = objectUrl.current;
      objectUrl.current = source.made ? source.url : null;
      element.src = source.url;
      // The last file's URL is revoked once the element has let go of it.
      if (before) URL.revokeObjectURL(before);
      asked.current = { key, decoded: false };
      setCurrent({ key, state: 'loading' });
      element.play().catch((error: unknown) => {
        // Another sound was started before this one could: not a failure.
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setCurrent((now) => (now?.key === key ? { key, state: 'error' } : now));
      });
    };
    return {
      current,
      canPlay,
      toggle: (sound) => {
        const key = soundKey(sound);
        if (current?.key === key && current.state !== 'error') stop();
        else play(sound, key);
      },
    };
  }, [current, fileOf, stop]);

  const settle = (state: PlayState) => setCurrent((now) => (now ? { ...now, state } : now));

  /** The element could not play its source: once per sound, the page decodes it to a WAV. */
  const playDecoded = async (element: HTMLAudioElement) => {
    const sound = asked.current;
    const src = element.getAttribute('src');
    const unsupported = element.error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED;
    if (!sound || sound.decoded || !src || !unsupported) {
      settle('error');
      release();
      return;
    }
    sound.decoded = true;
    try {
      const wav = await wavOf(src);
      if (asked.current !== sound) return; // another sound was asked for meanwhile
      const url = URL.createObjectURL(wav);
      const before = objectUrl.current;
      objectUrl.current = url;
      element.src = url;
      if (before) URL.revokeObjectURL(before);
      await element.play();
    } catch {
      if (asked.current !== sound) return;
      settle('error');
      release();
    }
  };
  return (
    <PlayerContext value={player}>
      {children}
      <audio
        ref={audio}
        data-testid="group-player"
        data-state={current?.state ?? 'idle'}
        onPlaying={() => settle('playing')}
        onWaiting={() => settle('loading')}
        onEnded={stop}
        onError={(event) => void playDecoded(event.currentTarget)}
      />
    </PlayerContext>
  );
}
