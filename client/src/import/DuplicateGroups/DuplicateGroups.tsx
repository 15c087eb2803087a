import type { OnDuplicate } from '../../../../shared/schemas/index.js';
import { isKept, type DuplicateGroup } from '../controller/duplicate-groups.js';
import { FileMember, LibraryMember } from '../GroupMember/GroupMember.js';
import { memberFate } from '../GroupMember/member-fate.js';
import { PagedList } from '../PagedList/PagedList.js';

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
        {group.libraryAssetId !== null && (
          <LibraryMember assetId={group.libraryAssetId} testId="duplicate-library">
            <span className="muted">
              {group.resolution === 'replace' ? 'will be replaced' : 'kept'}
            </span>
          </LibraryMember>
        )}
        {group.members.map((file) => {
          const kept = isKept(group, file);
          return (
            <FileMember key={file.path} file={file} testId="duplicate-member" kept={kept}>
              <span className="muted">{memberFate(file, kept)}</span>
            </FileMember>
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
 * The sounds heard more than once, within the selection and against the library, side by side
 * and playable, resolved group by group or all at once. The default keeps the library's copy,
 * or within the selection the best file (lossless over lossy, higher rate).
 */
export function DuplicateGroups({
  groups,
  onResolve,
}: {
  groups: readonly DuplicateGroup[];
  onResolve: (groupId: string | null, resolution: OnDuplicate) => void;
}) {
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
      <PagedList
        items={groups}
        moreTestId="more-duplicates"
        render={(group) => (
          <Group key={group.id} group={group} onResolve={(r) => onResolve(group.id, r)} />
        )}
      />
    </section>
  );
}
