import { usePlayer } from '../PlayerProvider/PlayerProvider.js';
import { soundKey, type Sound } from '../sound.js';

/**
 * Plays one sound, or stops it, in the nearest PlayerProvider (starting it stops any other).
 * Its state follows the audio's own events: "loading" until the sound is heard.
 */
export function PlayButton({ sound, name }: { sound: Sound; name: string }) {
  const player = usePlayer();
  const key = soundKey(sound);
  const state = player.current?.key === key ? player.current.state : 'idle';
  if (!player.canPlay(sound)) {
    return <span className="muted">Reconnect the folder to listen</span>;
  }
  const active = state === 'loading' || state === 'playing';
  return (
    <span className="play">
      <button
        type="button"
        data-testid="group-play"
        data-state={state}
        aria-label={`${active ? 'Stop' : 'Play'} ${name}`}
        onClick={() => player.toggle(sound)}
      >
        {active ? '■ Stop' : '▶ Play'}
      </button>
      {state === 'error' && (
        <span className="error" role="alert">
          could not be played
        </span>
      )}
    </span>
  );
}
