import type { QueueFile } from '../../queue/queue-types.js';

/**
 * What a group card says of one of its files: what will become of it until the upload has
 * decided, then what did. `kept` is the group's choice (the file is sent as a new sound).
 * Before the upload runs nothing is stored, so nothing may read "uploaded" or "skipped" yet.
 */
export function memberFate(file: Pick<QueueFile, 'state'>, kept: boolean): string {
  switch (file.state) {
    case 'done':
      return 'imported';
    case 'uploading':
      return 'uploading';
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'duplicate':
      return kept ? 'already in your library' : 'skipped';
    case 'discovered':
    case 'analysed':
    case 'pending_upload':
      return kept ? 'will be imported' : 'will be skipped';
  }
}
