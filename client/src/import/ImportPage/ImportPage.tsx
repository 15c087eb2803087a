import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { PlayerProvider } from '../../player/PlayerProvider/PlayerProvider.js';
import type { ImportStep } from '../../queue/queue-types.js';
import { BucketImport } from '../BucketImport/BucketImport.js';
import { Chooser } from '../Chooser/Chooser.js';
import { isKept } from '../controller/duplicate-groups.js';
import type { ImportController } from '../controller/import-controller.js';
import type { ImportView } from '../controller/import-store.js';
import { DuplicateGroups } from '../DuplicateGroups/DuplicateGroups.js';
import { Excluded } from '../Excluded/Excluded.js';
import type { Pick } from '../pick/picked-files.js';
import type { ExcludedFile } from '../../../../shared/files/exclusions.js';
import { FileDetail } from '../FileDetail/FileDetail.js';
import { FileTable } from '../FileTable/FileTable.js';
import { Progress } from '../Progress/Progress.js';
import { SimilarGroups } from '../SimilarGroups/SimilarGroups.js';
import { Summary } from '../Summary/Summary.js';
import { SyncOption } from '../SyncOption/SyncOption.js';
import { UploadPanel } from '../UploadPanel/UploadPanel.js';

const STEPS: { step: ImportStep; label: string }[] = [
  { step: 'choose', label: 'Choose' },
  { step: 'analyse', label: 'Analyse' },
  { step: 'duplicates', label: 'Duplicates' },
  { step: 'upload', label: 'Upload' },
  { step: 'summary', label: 'Summary' },
];

function Steps({ current }: { current: ImportStep }) {
  const at = STEPS.findIndex((s) => s.step === current);
  return (
    <ol className="steps" data-testid="steps" data-step={current}>
      {STEPS.map((s, i) => (
        <li
          key={s.step}
          aria-current={s.step === current ? 'step' : undefined}
          className={i < at ? 'past' : undefined}
        >
          {s.label}
        </li>
      ))}
    </ol>
  );
}

/** Files the upload step will send bytes for, as the duplicate choices stand. */
function countNewSounds(view: ImportView): number {
  const plan = new Map<string, boolean>();
  for (const group of view.groups) {
    for (const file of group.members) plan.set(file.path, isKept(group, file));
  }
  return view.files.filter((f) => f.state === 'analysed' && (plan.get(f.path) ?? true)).length;
}

/** Shown after a reload: the page needs the folder again to read the files left to do. */
function Reconnect({ view, controller }: { view: ImportView; controller: ImportController }) {
  const roots = view.record?.roots.join(', ') ?? '';
  return (
    <section className="reconnect" data-testid="reconnect">
      <p>
        This import continues where it stopped: {view.missing} files still need to be read from{' '}
        <strong>{roots}</strong>.
      </p>
      {view.canRegrant && (
        <button
          type="button"
          className="primary"
          data-testid="regrant"
          onClick={() => void controller.regrant()}
        >
          Continue with {roots}
        </button>
      )}
      <Chooser onPick={(pick) => controller.addPick(pick)} label={`Choose ${roots} again`} />
    </section>
  );
}

/** The import wizard: choose, analyse, resolve duplicates, upload, summary. */
export function ImportPage({ controller }: { controller: ImportController }) {
  const view = useSyncExternalStore(controller.store.subscribe, controller.store.getSnapshot);
  const [selected, setSelected] = useState<string | null>(null);
  const step = view.record?.step ?? 'choose';
  const selectedFile = selected ? controller.store.get(selected) : undefined;
  const newSounds = useMemo(() => countNewSounds(view), [view]);
  const sync = useSyncExternalStore(controller.sync.subscribe, controller.sync.getSnapshot);
  // At the duplicates step the files are needed to listen to them, before they are uploaded. A
  // sync batch's folder comes back with the sync's own "Resume sync" (one click for both).
  const needsFolder =
    view.missing > 0 &&
    (step === 'analyse' || step === 'duplicates' || step === 'upload') &&
    !(view.record?.auto === true && sync.state === 'needs-permission');
  const fileOf = useCallback((path: string) => controller.store.blobOf(path), [controller]);
  // What the picks' .smignore files left out, for this page's life (a pick of a new import
  // replaces it; a folder added to the import being chosen adds to it).
  const [excluded, setExcluded] = useState<readonly ExcludedFile[]>([]);
  const addPick = useCallback(
    async (pick: Pick) => {
      const record = controller.store.record;
      const fresh = !record || record.finishedAt !== null || record.step !== 'choose';
      setExcluded((before) => {
        if (fresh) return pick.excluded;
        const known = new Set(before.map((f) => f.path));
        return [...before, ...pick.excluded.filter((f) => !known.has(f.path))];
      });
      await controller.addPick(pick);
    },
    [controller],
  );
  return (
    <main className="import" data-testid="import-page">
      <Steps current={step} />
      {view.notice && (
        <div className="banner error" role="alert" data-testid="import-notice">
          {view.notice}
        </div>
      )}
      {needsFolder && <Reconnect view={view} controller={controller} />}
      {step === 'choose' && (
        <section className="choose">
          <Chooser
            onPick={addPick}
            label={view.files.length ? 'Add another folder' : 'Choose folder'}
          />
          {view.files.length === 0 && <BucketImport />}
          {view.files.length > 0 && (
            <div className="chosen">
              <p data-testid="chosen-summary">
                {view.files.length} files in <strong>{view.record?.roots.join(', ')}</strong>
              </p>
              <button
                type="button"
                className="primary"
                data-testid="start-analysis"
                onClick={() => void controller.startAnalysis()}
              >
                Analyse {view.files.length} files
              </button>
              <SyncOption controller={controller} />
            </div>
          )}
        </section>
      )}
      {step === 'analyse' && <Progress view={view} />}
      {step === 'duplicates' && (
        <>
          <Progress view={view} />
          <PlayerProvider fileOf={fileOf}>
            <DuplicateGroups
              groups={view.groups}
              onResolve={(group, r) => controller.resolve(group, r)}
            />
            <SimilarGroups groups={view.similar} />
          </PlayerProvider>
          <div className="next">
            <button
              type="button"
              className="primary"
              data-testid="start-upload"
              onClick={() => void controller.startUpload()}
            >
              Upload {newSounds} new sounds
            </button>
          </div>
        </>
      )}
      {step === 'upload' && (
        <UploadPanel
          view={view}
          onPause={() => controller.pause()}
          onResume={() => controller.resume()}
        />
      )}
      {step === 'summary' && (
        <Summary
          view={view}
          onRetry={() => void controller.retryFailed()}
          onNew={() => void controller.newImport()}
        />
      )}
      {step === 'summary' && <SyncOption controller={controller} />}
      {view.record && <Excluded files={excluded} />}
      {step !== 'choose' && (
        <div className="files">
          <FileTable files={view.files} selected={selected} onSelect={setSelected} />
          {selectedFile && (
            <FileDetail
              file={selectedFile}
              blob={controller.store.blobOf(selectedFile.path)}
              onEdit={(edits) => controller.edit(selectedFile.path, edits)}
            />
          )}
        </div>
      )}
    </main>
  );
}
