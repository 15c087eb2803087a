import { describeExclusion, type ExcludedFile } from '../../../../shared/files/exclusions.js';
import { PagedList } from '../PagedList/PagedList.js';

/**
 * The files the `.smignore` files of the picked folders left out: a count, and on opening each
 * file with the pattern that excluded it and where that pattern is written.
 */
export function Excluded({ files }: { files: readonly ExcludedFile[] }) {
  if (files.length === 0) return null;
  return (
    <details className="excluded" data-testid="excluded">
      <summary data-testid="excluded-count">
        {files.length} {files.length === 1 ? 'file' : 'files'} excluded by .smignore
      </summary>
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
