import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import type { ImportStage } from '../../../../shared/import/index.js';
import type { QueueFile } from '../../queue/queue-types.js';
import { effective, unsure } from '../controller/queue-entry.js';
import { formatBpm, formatBytes, formatDuration, splitPath } from '../format.js';
import { Waveform } from '../Waveform/Waveform.js';

type SortKey =
  'path' | 'kind' | 'duration' | 'bpm' | 'key' | 'loudness' | 'format' | 'size' | 'state';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'path', label: 'Name' },
  { key: 'kind', label: 'Kind' },
  { key: 'duration', label: 'Length' },
  { key: 'bpm', label: 'BPM' },
  { key: 'key', label: 'Key' },
  { key: 'loudness', label: 'LUFS' },
  { key: 'format', label: 'Format' },
  { key: 'size', label: 'Size' },
  { key: 'state', label: 'State' },
];

function sortValue(file: QueueFile, key: SortKey): string | number {
  const e = effective(file);
  switch (key) {
    case 'path':
      return file.path.toLowerCase();
    case 'kind':
      return e.kind ?? '~';
    case 'duration':
      return file.analysis?.durationS ?? -1;
    case 'bpm':
      return e.bpm ?? -1;
    case 'key':
      return e.key ?? '~';
    case 'loudness':
      return file.analysis?.loudnessLufs ?? -999;
    case 'format':
      return file.format ?? '~';
    case 'size':
      return file.sizeBytes;
    case 'state':
      return file.state;
  }
}

const STATE_LABEL: Record<ImportStage, string> = {
  discovered: 'waiting',
  analysed: 'analysed',
  pending_upload: 'ready to upload',
  uploading: 'uploading',
  done: 'imported',
  duplicate: 'duplicate',
  skipped: 'skipped',
  failed: 'failed',
};

function stateText(file: QueueFile): string {
  if (file.state === 'uploading' && file.sizeBytes > 0) {
    return `uploading ${Math.floor((100 * file.uploadedBytes) / file.sizeBytes)}%`;
  }
  if (file.state === 'analysed' && file.duplicate) return 'duplicate?';
  return STATE_LABEL[file.state];
}

const ROW_PX = 34;

/** The `?` after a value worth a second listen. */
function UnsureMark({ what }: { what: string }) {
  return (
    <abbr className="unsure" title={`Unsure ${what}; listen to check, and correct it if needed`}>
      ?
    </abbr>
  );
}

/** One row; memoised, so a render re-draws only the rows whose file changed. */
const FileRow = memo(function FileRow({
  file,
  top,
  selected,
  onSelect,
}: {
  file: QueueFile;
  top: number;
  selected: boolean;
  onSelect: (path: string) => void;
}) {
  const e = effective(file);
  const check = unsure(file);
  const { folder, name } = splitPath(file.path);
  return (
    <div
      role="row"
      className={`grid row state-${file.state}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_PX }}
      data-testid="file-row"
      data-path={file.path}
      data-state={file.state}
      data-kind={e.kind ?? ''}
      data-bpm={e.bpm ?? ''}
      data-key={e.key ?? ''}
      data-bpm-unsure={check.bpm}
      data-key-unsure={check.key}
      data-duration={file.analysis?.durationS.toFixed(3) ?? ''}
      data-duplicate={file.duplicate ? file.duplicate.of : ''}
      data-duplicate-ref={file.duplicate?.ref ?? ''}
      aria-selected={selected}
      onClick={() => onSelect(file.path)}
    >
      <span className="col-path" title={file.path}>
        <span className="name">{name}</span>
        <span className="folder">{folder}</span>
      </span>
      <span className="col-kind">{e.kind ?? ''}</span>
      <span className="col-duration">{formatDuration(file.analysis?.durationS)}</span>
      <span className="col-bpm">
        {formatBpm(e.bpm)}
        {check.bpm && <UnsureMark what="tempo: half or double time may be right" />}
      </span>
      <span className="col-key">
        {e.key ?? ''}
        {check.key && <UnsureMark what="key" />}
      </span>
      <span className="col-loudness">{file.analysis?.loudnessLufs?.toFixed(1) ?? ''}</span>
      <span className="col-format">{file.format ?? ''}</span>
      <span className="col-size">{formatBytes(file.sizeBytes)}</span>
      <span className="col-state" title={file.reason ?? undefined}>
        {stateText(file)}
      </span>
      <span className="col-wave">
        <Waveform peaks={file.analysis?.waveform} />
      </span>
    </div>
  );
});

/**
 * The import's files as a sortable, filterable, virtualised table: only the rows in view are in
 * the page, so 20,000 files scroll as smoothly as 20. Clicking a row selects it.
 */
export function FileTable({
  files,
  selected,
  onSelect,
}: {
  files: readonly QueueFile[];
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean } | null>(null);
  const [filter, setFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<ImportStage | 'all'>('all');
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle && stateFilter === 'all' && !sort) return files;
    let out = files.filter(
      (f) =>
        (stateFilter === 'all' || f.state === stateFilter) &&
        (!needle || f.path.toLowerCase().includes(needle)),
    );
    if (sort) {
      const dir = sort.desc ? -1 : 1;
      out = [...out].sort((a, b) => {
        const x = sortValue(a, sort.key);
        const y = sortValue(b, sort.key);
        return (x < y ? -1 : x > y ? 1 : a.seq - b.seq) * dir;
      });
    }
    return out;
  }, [files, filter, stateFilter, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  return (
    <section className="file-table" data-testid="file-table">
      <div className="table-tools">
        <input
          type="search"
          placeholder="Filter by name or folder"
          aria-label="Filter files"
          data-testid="file-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <select
          aria-label="Show files in state"
          data-testid="state-filter"
          value={stateFilter}
          onChange={(e) => setStateFilter(e.target.value as ImportStage | 'all')}
        >
          <option value="all">All states</option>
          {Object.entries(STATE_LABEL).map(([state, label]) => (
            <option key={state} value={state}>
              {label}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="file-count">
          {rows.length === files.length
            ? `${files.length} files`
            : `${rows.length} of ${files.length} files`}
        </span>
      </div>
      <div className="grid head" role="row">
        {COLUMNS.map((c) => (
          <button
            key={c.key}
            type="button"
            role="columnheader"
            className={`col-${c.key}`}
            data-testid={`sort-${c.key}`}
            aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
            onClick={() =>
              setSort((s) =>
                s?.key === c.key ? { key: c.key, desc: !s.desc } : { key: c.key, desc: false },
              )
            }
          >
            {c.label}
            {sort?.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
          </button>
        ))}
        <span className="col-wave" />
      </div>
      <div className="rows" ref={scroller} role="table" aria-label="Files of this import">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const file = rows[item.index]!;
            return (
              <FileRow
                key={file.path}
                file={file}
                top={item.start}
                selected={selected === file.path}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
    </section>
  );
}
