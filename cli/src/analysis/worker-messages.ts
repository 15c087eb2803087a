import type { FileAnalysis } from './file-analysis.js';

export interface WorkerRequest {
  id: number;
  path: string;
}

export interface WorkerResponse {
  id: number;
  result: FileAnalysis;
}
