import type { MidiNote } from './midi-file.js';
import type { SetPlan } from './set-plan.js';
import { renderPieces, type RenderPiece, type SoundSet } from './synth.js';

/**
 * The pieces one sound set renders, planned as originals of the set: each original's `make`
 * renders the whole batch once (loading a soundfont takes seconds).
 */
export class RenderBatch {
  private readonly pieces: RenderPiece[] = [];
  private rendering: Promise<void> | null = null;

  constructor(
    readonly set: SoundSet,
    private readonly workDir: string,
  ) {}

  /** Plans a piece as an original of `source`; returns its set path. */
  add(
    plan: SetPlan,
    source: string,
    stem: string,
    piece: { notes: MidiNote[]; programs: RenderPiece['programs']; tailS: number },
  ): string {
    const path = plan.original(source, stem, 'wav', () => this.render());
    this.pieces.push({ ...piece, out: plan.abs(path) });
    return path;
  }

  private render(): Promise<void> {
    this.rendering ??= renderPieces(this.set, this.pieces, this.workDir);
    return this.rendering;
  }
}
