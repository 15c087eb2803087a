import { describeExclusion, type ExcludedFile } from '../../../../shared/files/exclusions.js';
import { PagedList } from '../PagedList/PagedList.js';

/**
 * The files the exclusions of an import left out: a count, and on opening each file with the
 * pattern that excluded it and where that pattern is written. `total`, when more were left
 * out than `files` names (a bucket import names the first 100), is the count.
 */
export function Excluded({
  files,
  total = files.length,
}: {
  files: readonly ExcludedFile[];
  total?: number;
}) {
  if (total === 0) return null;
  return (
    <details className="excluded" data-testid="excluded">
      <summary data-testid="excluded-count">
        {total} {total === 1 ? 'file' : 'files'} excluded by .smignore
      </summary>
      {total > files.length && <p className="muted">The first {files.length} are named here.</p>}
      <PagedList
        items={files}
        moreTestId="more-excluded"
        render={(file) => (
          <li key={file.path} data-testid="excluded-file" data-path={file.path}>
            {file.path} <span className="muted">{describeExclusion(file.reason)}</span>
          </li>
        )}
      />
    </details>
  );
}
