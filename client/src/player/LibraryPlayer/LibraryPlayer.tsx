import { librarySoundUrl } from '../library-sound.js';

/**
 * A library sound's Play button, which becomes the browser's own player (streaming from the
 * server) once pressed. `testIds` names both for e2e specs (`library-play` / `library-player`
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
    <audio controls autoPlay src={librarySoundUrl(assetId)} data-testid={`${testIds}-player`} />
  ) : (
    <button type="button" data-testid={`${testIds}-play`} onClick={onPlay}>
      Play
    </button>
  );
}
