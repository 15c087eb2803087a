import { describe, expect, it } from 'vitest';
import { formatKey } from './key-names.js';
import { hintsFromFileName } from './name-hints.js';

function read(name: string): { bpm: number | null; key: string | null } {
  const h = hintsFromFileName(name);
  return { bpm: h.bpm, key: h.key ? formatKey(h.key) : null };
}

describe('hintsFromFileName', () => {
  it.each([
    ['Loop_128bpm_F#min.wav', 128, 'F# minor'],
    ['DarkPad Am 90 BPM.wav', 90, 'A minor'],
    ['Kick_03.wav', null, null],
    ['Bass 140 Gmaj.flac', 140, 'G major'],
    ['ドラム_120.wav', 120, null],
    ['Ключ_Am_loop.wav', null, 'A minor'],
    ['Café crème 100bpm.flac', 100, null],
    ['vox_92.5bpm_Ebm.wav', 92.5, 'Eb minor'],
    ['BPM125 - C# minor - chords.wav', 125, 'C# minor'],
    ['A Day In The Life.mp3', null, null],
    ['Snare 2.wav', null, null],
    ['Synth_Bb_174.aiff', 174, 'Bb major'],
    ['pad 8A.wav', null, 'A minor'],
    ["Don't Stop 100 BPM.wav", 100, null],
    ['OS_Keys_Loop_Fsharp_Minor_100.wav', 100, 'F# minor'],
    ['Pad F Sharp Major.wav', null, 'F# major'],
    ['bass_bflatmin_128.wav', 128, 'Bb minor'],
    ['Flat Snare 03.wav', null, null],
    ['Sharp Kick.wav', null, null],
    ['Chord_Am7_120.wav', 120, 'A minor'],
    ['Keys Cmaj7 90bpm.wav', 90, 'C major'],
    ['Pad_F#m9.wav', null, 'F# minor'],
    ['G7 Stab.wav', null, null],
  ])('%s → %s BPM, %s', (name, bpm, key) => {
    expect(read(name)).toEqual({ bpm, key });
  });
});
