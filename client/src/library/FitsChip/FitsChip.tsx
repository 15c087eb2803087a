import { harmonicFit } from '../../../../shared/music/harmonic-fit.js';
import type { LibraryItem } from '../../../../shared/schemas/index.js';
import { splitPath } from '../../import/format.js';
import { fitsDetail, fitsLabel } from '../fits-label.js';

/**
 * The "Fits with this" filter as a removable chip: the sound it fits, its Camelot key and tempo,
 * and the keys and tempo ranges it keeps.
 */
export function FitsChip({ sound, onClear }: { sound: LibraryItem; onClear: () => void }) {
  const detail = fitsDetail(harmonicFit(sound));
  return (
    <p className="chip" data-testid="library-fits-chip" title={`${sound.path}: ${detail}`}>
      <strong data-testid="library-fits-label">{fitsLabel(sound)}</strong>{' '}
      <span className="muted">
        with {splitPath(sound.path).name}: <span data-testid="library-fits-detail">{detail}</span>
      </span>{' '}
      <button
        type="button"
        aria-label="Clear the fits filter"
        data-testid="library-fits-clear"
        onClick={onClear}
      >
        ✕
      </button>
    </p>
  );
}
