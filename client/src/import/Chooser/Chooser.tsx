import { useRef, useState, type DragEvent } from 'react';
import {
  hasDirectoryPicker,
  pickDirectory,
  pickFromDrop,
  pickFromInput,
  type Pick,
} from '../pick/picked-files.js';

/**
 * The ways to give the importer files: the folder picker (Chrome, Edge), a dropped folder or
 * files (everywhere), and the webkitdirectory input (Firefox, Safari, and the tests).
 */
export function Chooser({
  onPick,
  label = 'Choose folder',
}: {
  onPick: (pick: Pick) => Promise<void>;
  label?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function take(pick: Promise<Pick | null>) {
    setReading(true);
    setError(null);
    try {
      const picked = await pick;
      if (picked) await onPick(picked);
    } catch (e) {
      setError(`The folder could not be read: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setReading(false);
    }
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    void take(pickFromDrop(event.dataTransfer.items));
  }

  return (
    <div
      className={`chooser${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p>Drop folders or files here, or</p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="choose-folder"
          disabled={reading}
          onClick={() =>
            hasDirectoryPicker() ? void take(pickDirectory()) : input.current?.click()
          }
        >
          {label}
        </button>
        <button
          type="button"
          data-testid="choose-files"
          disabled={reading}
          onClick={() => files.current?.click()}
        >
          Choose files
        </button>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => {
          if (e.target.files?.length) void take(pickFromInput(e.target.files));
          e.target.value = '';
        }}
      />
      <input
        ref={files}
        type="file"
        multiple
        hidden
        data-testid="files-input"
        onChange={(e) => {
          if (e.target.files?.length) void take(pickFromInput(e.target.files));
          e.target.value = '';
        }}
      />
      {reading && <p className="muted">Reading the folder…</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
