import { useState } from 'react';
import type { OnDuplicate } from '../../../../shared/schemas/index.js';
import { isKept, type DuplicateGroup } from '../controller/duplicate-groups.js';
import { formatBytes, splitPath } from '../format.js';
import { Waveform } from '../Waveform/Waveform.js';

const PAGE = 50;

function kbps(sizeBytes: number, durationS: number | undefined): string {
  if (!durationS) return '';
  return `${Math.round((sizeBytes * 8) / durationS / 1000)} kb/s`;
}

const CHOICES: { value: OnDuplicate; label: (library: boolean) => string }[] = [
  {
    value: 'skip',
    label: (library) => (library ? "Keep the library's copy" : 'Keep the best file'),
  },
  { value: 'replace', label: () => "Replace the library's copy" },
  { value: 'keep-both', label: () => 'Keep all' },
];

function Group({
  group,
  onResolve,
}: {
  group: DuplicateGroup;
  onResolve: (r: OnDuplicate) => void;
}) {
  const library = group.libraryAssetId !== null;
  return (
    <li
      className="duplicate-group"
      data-testid="duplicate-group"
      data-group={group.id}
      data-resolution={group.resolution}
      data-library={library ? 'yes' : 'no'}
    >
      <div className="members">
        {library && (
          <div className="member library" data-testid="duplicate-library">
            <strong>In your library</strong>
            <span className="muted">
              {group.resolution === 'replace' ? 'will be replaced' : 'kept'}
            </span>
          </div>
        )}
        {group.members.map((file) => {
          const { folder, name } = splitPath(file.path);
          const kept = isKept(group, file);
          return (
            <div
              key={file.path}
              className={`member${kept ? ' kept' : ''}`}
              data-testid="duplicate-member"
              data-path={file.path}
              data-kept={kept}
            >
              <strong title={file.path}>{name}</strong>
              <span className="muted">{folder}</span>
              <span>
                {file.format} · {file.analysis?.sampleRate} Hz
                {file.bitDepth ? ` · ${file.bitDepth}-bit` : ''} · {formatBytes(file.sizeBytes)} ·{' '}
                {kbps(file.sizeBytes, file.analysis?.durationS)}
              </span>
              <Waveform peaks={file.analysis?.waveform} width={160} height={28} />
              <span className="muted">{kept ? 'uploaded' : 'skipped'}</span>
            </div>
          );
        })}
      </div>
      <div className="choices" role="radiogroup" aria-label="What to keep">
        {CHOICES.filter((c) => library || c.value !== 'replace').map((c) => (
          <label key={c.value}>
            <input
              type="radio"
              name={`resolve-${group.id}`}
              data-testid={`resolve-${c.value}`}
              checked={group.resolution === c.value}
              onChange={() => onResolve(c.value)}
            />
            {c.label(library)}
          </label>
        ))}
      </div>
    </li>
  );
}

/**
 * The sounds heard more than once, within the selection and against the library, side by side,
 * resolved group by group or all at once. The default keeps the library's copy, or within the
 * selection the best file (lossless over lossy, higher rate).
 */
export function DuplicateGroups({
  groups,
  onResolve,
}: {
  groups: readonly DuplicateGroup[];
  onResolve: (groupId: string | null, resolution: OnDuplicate) => void;
}) {
  const [shown, setShown] = useState(PAGE);
  if (groups.length === 0) {
    return (
      <p className="muted" data-testid="no-duplicates">
        No duplicates: every sound in this selection is new to your library.
      </p>
    );
  }
  const inLibrary = groups.filter((g) => g.libraryAssetId !== null).length;
  return (
    <section className="duplicates">
      <header>
        <p data-testid="duplicate-summary">
          {groups.length} sounds are here more than once or already in your library ({inLibrary} in
          the library).
        </p>
        <div className="actions">
          <button
            type="button"
            data-testid="resolve-all-skip"
            onClick={() => onResolve(null, 'skip')}
          >
            Skip all duplicates
          </button>
          <button
            type="button"
            data-testid="resolve-all-replace"
            onClick={() => onResolve(null, 'replace')}
          >
            Replace all library copies
          </button>
          <button
            type="button"
            data-testid="resolve-all-keep-both"
            onClick={() => onResolve(null, 'keep-both')}
          >
            Keep all
          </button>
        </div>
      </header>
      <ul>
        {groups.slice(0, shown).map((group) => (
          <Group key={group.id} group={group} onResolve={(r) => onResolve(group.id, r)} />
        ))}
      </ul>
      {shown < groups.length && (
        <button
          type="button"
          onClick={() => setShown((n) => n + PAGE)}
          data-testid="more-duplicates"
        >
          Show {Math.min(PAGE, groups.length - shown)} more
        </button>
      )}
    </section>
  );
}
