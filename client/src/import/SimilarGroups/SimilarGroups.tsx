import type { SimilarGroup } from '../controller/similar-groups.js';
import { FileMember, LibraryMember } from '../GroupMember/GroupMember.js';
import { memberFate } from '../GroupMember/member-fate.js';
import { PagedList } from '../PagedList/PagedList.js';

function Group({ group }: { group: SimilarGroup }) {
  return (
    <li className="similar-group" data-testid="similar-group" data-group={group.id}>
      <div className="members">
        <FileMember file={group.file} testId="similar-member" kept>
          <span className="muted">{memberFate(group.file, true)}</span>
        </FileMember>
        {group.files.map((file) => (
          <FileMember key={file.path} file={file} testId="similar-member">
            <span className="muted">similar</span>
          </FileMember>
        ))}
        {group.library.map((sound) => (
          <LibraryMember
            key={sound.assetId}
            assetId={sound.assetId}
            path={sound.path}
            testId="similar-library"
          >
            <span className="muted">similar</span>
          </LibraryMember>
        ))}
      </div>
    </li>
  );
}

/**
 * Files close in sound to others (within the selection or in the library) without being
 * certainly copies, apart from the duplicates: nothing to resolve, both are kept; each playable
 * to hear the difference.
 */
export function SimilarGroups({ groups }: { groups: readonly SimilarGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <section className="similar" data-testid="similar-groups" aria-labelledby="similar-title">
      <h3 id="similar-title">Similar, both kept</h3>
      <p className="muted" data-testid="similar-summary">
        {groups.length} {groups.length === 1 ? 'file sounds' : 'files sound'} close to another
        without being certainly a copy (another recording of a hit, an edit of it): both will be
        imported. Play them to hear the difference.
      </p>
      <PagedList
        items={groups}
        moreTestId="more-similar"
        render={(group) => <Group key={group.id} group={group} />}
      />
    </section>
  );
}
