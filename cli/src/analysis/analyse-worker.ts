import { parentPort, workerData } from 'node:worker_threads';
import xxhash from 'xxhash-wasm';
import { analyseFile } from '../../../shared/node/analyse-file.js';
import { loadEssentia } from '../../../shared/node/essentia.js';
import { failedAnalysis } from '../../../shared/files/index.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('analyse-worker must run in a worker thread');
const { ffmpeg, hints } = workerData as { ffmpeg: boolean; hints: boolean };
const deps = { hasher: await xxhash(), essentia: loadEssentia(), ffmpeg, hints };

port.on('message', (request: WorkerRequest) => {
  analyseFile(request.path, deps)
    .catch((error: unknown) =>
      failedAnalysis(request.path, 'error', `analysis failed: ${String(error)}`),
    )
    .then((result) => port.postMessage({ id: request.id, result } satisfies WorkerResponse))
    .catch(() => undefined);
});
port.postMessage({ ready: true });
