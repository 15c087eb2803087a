/** How much of each source the set takes. */
export interface SetSize {
  instrumentsPerKit: number;
  layersPerInstrument: number;
  /** Hydrogen instruments per kit whose loudest layer gets copies and edits. */
  featuredPerKit: number;
  /** Melodic programs per sound set. */
  programs: number;
  /** Drum kits per sound set (the GM standard kit first). */
  drumKits: number;
  drumNotes: number;
  loops: number;
  /** Track lengths in s; tempo variants are rendered for tracks up to 3 minutes. */
  trackSeconds: number[];
  /** Copy variants per featured original (rotating through all of them). */
  variantsPerOriginal: number;
  /** Edits per featured one-shot or loop (rotating). */
  editsPerOriginal: number;
  /** sox re-pitches per featured kit hit or loop (rotating). */
  repitchesPerOriginal: number;
}

export const QUICK_SIZE: SetSize = {
  instrumentsPerKit: 2,
  layersPerInstrument: 3,
  featuredPerKit: 1,
  programs: 2,
  drumKits: 1,
  drumNotes: 3,
  loops: 2,
  trackSeconds: [30],
  variantsPerOriginal: 8,
  editsPerOriginal: 2,
  repitchesPerOriginal: 1,
};

export const FULL_SIZE: SetSize = {
  instrumentsPerKit: 6,
  layersPerInstrument: 5,
  featuredPerKit: 4,
  programs: 8,
  drumKits: 3,
  drumNotes: 8,
  loops: 10,
  trackSeconds: [30, 45, 60, 120, 180, 600],
  variantsPerOriginal: 12,
  editsPerOriginal: 4,
  repitchesPerOriginal: 2,
};
