import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LibraryItem, SimilarFile } from '../../../../shared/schemas/index.js';
import { describeApiError } from '../../api/api-errors.js';
import { api } from '../../api/trpc.js';
import { formatDuration, splitPath } from '../../import/format.js';
import { LibraryPlayer } from '../../player/LibraryPlayer/LibraryPlayer.js';

const REASON_LABELS: Record<SimilarFile['reason'], { text: string; title: string }> = {
  'duplicate-detection': {
    text: 'similar, both kept',
    title: 'Found close to this sound when one of the two was imported; both were kept',
  },
  timbre: {
    text: 'sounds alike',
    title: 'Among the nearest sounds of your library by timbre and envelope',
  },
};

/**
 * "Similar sounds" of one library sound: first those linked to it when imported (similar, both
 * kept), then its nearest by timbre, each playable.
 */
export function SimilarPanel({ sound, onClose }: { sound: LibraryItem; onClose: () => void }) {
  const [playing, setPlaying] = useState<string | null>(null);
  const similar = useQuery({
    queryKey: ['library-similar', sound.id],
    queryFn: () => api.library.similar.query({ id: sound.id }),
  });
  const { name } = splitPath(sound.path);
  return (
    <section className="similar-panel" data-testid="similar-panel" data-of={sound.path}>
      <header>
        <h2>Similar to {name}</h2>
        <button type="button" data-testid="similar-close" onClick={onClose}>
          Close
        </button>
      </header>
      {similar.error && (
        <p className="error" role="alert" data-testid="similar-error">
          {describeApiError(similar.error).message}
        </p>
      )}
      {similar.isPending && <p className="muted">Loading…</p>}
      {similar.data?.items.length === 0 && (
        <p className="muted" data-testid="similar-empty">
          No similar sounds in your library yet.
        </p>
      )}
      <ol className="similar-list">
        {similar.data?.items.map((item) => {
          const parts = splitPath(item.path);
          const reason = REASON_LABELS[item.reason];
          return (
            <li
              key={item.id}
              data-testid="similar-item"
              data-path={item.path}
              data-reason={item.reason}
              data-kind={item.kind ?? ''}
            >
              <span className="name" title={item.path}>
                {parts.name}
              </span>{' '}
              <span className="folder">{parts.folder}</span>{' '}
              <span className="muted">{formatDuration(item.duration_s)}</span>{' '}
              <span className={`badge badge-${item.reason}`} title={reason.title}>
                {reason.text}
              </span>{' '}
              <LibraryPlayer
                assetId={item.id}
                playing={playing === item.id}
                onPlay={() => setPlaying(item.id)}
                testIds="similar"
              />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
