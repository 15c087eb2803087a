import { useEffect, useState, type FormEvent } from 'react';
import type { SoundKind } from '../../../../shared/analysis/index.js';
import { formatKey, parseKey } from '../../../../shared/music/key-names.js';
import { useObjectUrl } from '../../player/useObjectUrl.js';
import type { FileEdits, QueueFile } from '../../queue/queue-types.js';
import { effective, unsure } from '../controller/queue-entry.js';
import { formatBytes, formatDuration } from '../format.js';
import { Waveform } from '../Waveform/Waveform.js';

/**
 * The selected file: what was measured (and what its name or tags said), a player, and the
 * fields the user may correct before it is uploaded.
 */
export function FileDetail({
  file,
  blob,
  onEdit,
}: {
  file: QueueFile;
  blob: Blob | undefined;
  onEdit: (edits: FileEdits) => void;
}) {
  const url = useObjectUrl(blob);
  const now = effective(file);
  const check = unsure(file);
  const [bpm, setBpm] = useState(now.bpm?.toString() ?? '');
  const [key, setKey] = useState(now.key ?? '');
  const [kind, setKind] = useState(now.kind ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setBpm(now.bpm?.toString() ?? '');
    setKey(now.key ?? '');
    setKind(now.kind ?? '');
    setError(null);
  }, [file.path, now.bpm, now.key, now.kind]);
  const a = file.analysis;
  function save(event: FormEvent) {
    event.preventDefault();
    const edits: FileEdits = {};
    const tempo = bpm.trim() === '' ? null : Number(bpm);
    if (tempo !== null && !(tempo >= 20 && tempo <= 400)) {
      return setError('BPM must be a number from 20 to 400, or empty for none.');
    }
    const parsed = key.trim() === '' ? null : parseKey(key);
    if (key.trim() !== '' && !parsed)
      return setError(`"${key}" is not a key: write it like "A minor", "Eb major" or "8A".`);
    edits.bpm = tempo;
    edits.key = parsed ? formatKey(parsed) : null;
    if (kind) edits.kind = kind as SoundKind;
    setError(null);
    onEdit(edits);
  }
  const editable = !file.sent && file.state === 'analysed';
  return (
    <aside className="file-detail" data-testid="file-detail" data-path={file.path}>
      <h3>{file.path}</h3>
      {file.reason && (
        <p className={file.state === 'failed' ? 'error' : 'muted'} data-testid="file-reason">
          {file.reason}
        </p>
      )}
      <Waveform peaks={a?.waveform} width={480} height={64} />
      {file.analysis &&
        (url ? (
          <audio controls src={url} data-testid="play-file" preload="none" />
        ) : (
          <p className="muted">Reconnect the folder to listen to this file.</p>
        ))}
      <dl>
        <dt>Format</dt>
        <dd>
          {[
            file.format,
            file.codec,
            file.bitDepth ? `${file.bitDepth}-bit` : null,
            a ? `${a.sampleRate} Hz` : null,
            a ? `${a.channels} ch` : null,
          ]
            .filter(Boolean)
            .join(' · ')}{' '}
          ({formatBytes(file.sizeBytes)})
        </dd>
        <dt>Length</dt>
        <dd>{formatDuration(a?.durationS)}</dd>
        <dt>Loudness</dt>
        <dd>
          {a?.loudnessLufs != null
            ? `${a.loudnessLufs.toFixed(1)} LUFS, peak ${a.peakDbfs?.toFixed(1)} dBFS`
            : ''}
        </dd>
        {a && (check.bpm || check.key) && (
          <>
            <dt>Worth a listen</dt>
            <dd data-testid="unsure-note">
              {[
                check.bpm &&
                  `the tempo is unsure (confidence ${a.bpmConfidence.toFixed(2)}): half or double time may be right`,
                check.key && `the key is unsure (confidence ${a.keyConfidence.toFixed(2)})`,
              ]
                .filter(Boolean)
                .join('; ')}
            </dd>
          </>
        )}
        {a?.hints.bpm != null && (
          <>
            <dt>Name or tags say</dt>
            <dd>
              {a.hints.bpm} BPM ({a.hints.bpmAgreement ?? 'no measure'})
            </dd>
          </>
        )}
        {a?.hints.key && (
          <>
            <dt>Key in name or tags</dt>
            <dd>
              {a.hints.key} ({a.hints.keyAgreement ?? 'no measure'})
            </dd>
          </>
        )}
      </dl>
      {editable && (
        <form className="edits" onSubmit={save}>
          <label>
            BPM
            <input
              data-testid="edit-bpm"
              inputMode="decimal"
              value={bpm}
              onChange={(e) => setBpm(e.target.value)}
            />
          </label>
          <label>
            Key
            <input
              data-testid="edit-key"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="A minor"
            />
          </label>
          <label>
            Kind
            <select data-testid="edit-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="oneshot">one-shot</option>
              <option value="loop">loop</option>
              <option value="track">track</option>
            </select>
          </label>
          <button type="submit" data-testid="save-edits">
            Save
          </button>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </aside>
  );
}
