import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import type {
  LibraryItem,
  LibraryListRequest,
  LibrarySort,
} from '../../../../shared/schemas/index.js';
import { KEY_NAMES } from '../../../../shared/music/key-names.js';
import { describeApiError } from '../../api/api-errors.js';
import { api } from '../../api/trpc.js';
import { formatBpm, formatBytes, formatDuration, splitPath } from '../../import/format.js';
import { LibraryPlayer } from '../../player/LibraryPlayer/LibraryPlayer.js';
import { FitsChip } from '../FitsChip/FitsChip.js';
import { SimilarPanel } from '../SimilarPanel/SimilarPanel.js';
import { canFit } from '../fits-label.js';

const PAGE = 100;
const FORMATS = [
  'wav',
  'aiff',
  'caf',
  'flac',
  'mp3',
  'm4a',
  'ogg-vorbis',
  'opus',
  'wavpack',
  'w64',
  'wma',
  'au',
];

function numberOrUndefined(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

/**
 * The user's sounds, searchable and filtered by kind, tempo, key and format, each playable; from
 * a sound with a key or tempo, "Fits with this" keeps the sounds that fit it (a removable chip);
 * "Similar" lists the sounds close to one (SimilarPanel) under its row.
 */
export function LibraryPage() {
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState('');
  const [bpmMin, setBpmMin] = useState('');
  const [bpmMax, setBpmMax] = useState('');
  const [key, setKey] = useState('');
  const [format, setFormat] = useState('');
  const [sort, setSort] = useState<LibrarySort>('newest');
  const [page, setPage] = useState(0);
  const [playing, setPlaying] = useState<string | null>(null);
  const [fitsWith, setFitsWith] = useState<LibraryItem | null>(null);
  const [similarTo, setSimilarTo] = useState<LibraryItem | null>(null);
  const input: LibraryListRequest = {
    search: search.trim() || undefined,
    kind: (kind || undefined) as LibraryListRequest['kind'],
    bpm_min: numberOrUndefined(bpmMin),
    bpm_max: numberOrUndefined(bpmMax),
    key: key || undefined,
    format: format || undefined,
    fits: fitsWith?.id,
    sort,
    limit: PAGE,
    offset: page * PAGE,
  };
  const list = useQuery({
    queryKey: ['library', input],
    queryFn: () => api.library.list.query(input),
    placeholderData: keepPreviousData,
  });
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(0);
    };
  const total = list.data?.total ?? 0;
  return (
    <main className="library" data-testid="library-page">
      <h1>Library</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          placeholder="Search names and folders"
          aria-label="Search"
          data-testid="library-search"
          value={search}
          onChange={(e) => reset(setSearch)(e.target.value)}
        />
        <select
          aria-label="Kind"
          data-testid="library-kind"
          value={kind}
          onChange={(e) => reset(setKind)(e.target.value)}
        >
          <option value="">Any kind</option>
          <option value="oneshot">One-shots</option>
          <option value="loop">Loops</option>
          <option value="track">Tracks</option>
        </select>
        <input
          aria-label="BPM from"
          placeholder="BPM from"
          inputMode="decimal"
          data-testid="library-bpm-min"
          value={bpmMin}
          onChange={(e) => reset(setBpmMin)(e.target.value)}
        />
        <input
          aria-label="BPM to"
          placeholder="to"
          inputMode="decimal"
          data-testid="library-bpm-max"
          value={bpmMax}
          onChange={(e) => reset(setBpmMax)(e.target.value)}
        />
        <select
          aria-label="Key"
          data-testid="library-key"
          value={key}
          onChange={(e) => reset(setKey)(e.target.value)}
        >
          <option value="">Any key</option>
          {KEY_NAMES.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <select
          aria-label="Format"
          data-testid="library-format"
          value={format}
          onChange={(e) => reset(setFormat)(e.target.value)}
        >
          <option value="">Any format</option>
          {FORMATS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
        <select
          aria-label="Sort"
          data-testid="library-sort"
          value={sort}
          onChange={(e) => reset(setSort)(e.target.value as LibrarySort)}
        >
          <option value="newest">Newest first</option>
          <option value="name">Name</option>
          <option value="bpm">BPM</option>
          <option value="duration">Length</option>
        </select>
      </form>
      {fitsWith && <FitsChip sound={fitsWith} onClear={() => reset(setFitsWith)(null)} />}
      {list.error && (
        <p className="error" role="alert" data-testid="library-error">
          {describeApiError(list.error).message}
        </p>
      )}
      <p className="muted" data-testid="library-total" data-total={total}>
        {list.isPending ? 'Loading…' : `${total} sounds`}
      </p>
      <table className="library-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Length</th>
            <th>BPM</th>
            <th>Key</th>
            <th>LUFS</th>
            <th>Format</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((item) => {
            const { folder, name } = splitPath(item.path);
            const row = (
              <tr
                key={item.id}
                data-testid="library-row"
                data-path={item.path}
                data-kind={item.kind ?? ''}
                data-bpm={item.bpm ?? ''}
                data-key={item.key ?? ''}
              >
                <td title={item.path}>
                  <span className="name">{name}</span> <span className="folder">{folder}</span>
                </td>
                <td>{item.kind}</td>
                <td>{formatDuration(item.duration_s)}</td>
                <td>{formatBpm(item.bpm)}</td>
                <td>{item.key ?? ''}</td>
                <td>{item.loudness_lufs?.toFixed(1) ?? ''}</td>
                <td>{item.format}</td>
                <td>{formatBytes(item.size_bytes)}</td>
                <td className="actions-cell">
                  {canFit(item) && fitsWith?.id !== item.id && (
                    <button
                      type="button"
                      data-testid="library-fits"
                      title="Show the sounds whose key and tempo fit with this one"
                      onClick={() => reset(setFitsWith)(item)}
                    >
                      Fits with this
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    data-testid="library-similar"
                    aria-pressed={similarTo?.id === item.id}
                    title="List the sounds of your library that sound like this one"
                    onClick={() => setSimilarTo(similarTo?.id === item.id ? null : item)}
                  >
                    Similar
                  </button>{' '}
                  <LibraryPlayer
                    assetId={item.id}
                    playing={playing === item.id}
                    onPlay={() => setPlaying(item.id)}
                    testIds="library"
                  />
                </td>
              </tr>
            );
            if (similarTo?.id !== item.id) return row;
            return (
              <Fragment key={item.id}>
                {row}
                <tr className="similar-row">
                  <td colSpan={9}>
                    <SimilarPanel sound={item} onClose={() => setSimilarTo(null)} />
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {total > PAGE && (
        <nav className="pager">
          <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Previous
          </button>
          <span>
            {page * PAGE + 1}–{Math.min(total, (page + 1) * PAGE)} of {total}
          </span>
          <button
            type="button"
            data-testid="library-next"
            disabled={(page + 1) * PAGE >= total}
            onClick={() => setPage((p) => p + 1)}
          >
            Next
          </button>
        </nav>
      )}
    </main>
  );
}
