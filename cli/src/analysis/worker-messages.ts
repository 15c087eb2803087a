import type { FileAnalysis } from '../../../shared/files/index.js';

export interface WorkerRequest {
  id: number;
  path: string;
}

export interface WorkerResponse {
  id: number;
  result: FileAnalysis;
}
