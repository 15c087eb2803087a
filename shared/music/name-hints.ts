import { parseKey, type MusicalKey } from './key-names.js';

/** What a file's name says about its tempo and key. */
export interface NameHints {
  bpm: number | null;
  key: MusicalKey | null;
}

const SEPARATORS = /[\s_\-.,()[\]{}+~&]+/;
const BPM_MARKED = /(?:^|[^\d.])(\d{2,3}(?:[.,]\d{1,2})?)\s*-?\s*bpm(?![a-z])/i;
const BPM_PREFIXED = /bpm\s*[-_:]?\s*(\d{2,3}(?:[.,]\d{1,2})?)(?!\d)/i;
const MIN_NAME_BPM = 50;
const MAX_NAME_BPM = 220;

function toBpm(text: string | undefined): number | null {
  if (!text) return null;
  const value = Number(text.replace(',', '.'));
  return value >= MIN_NAME_BPM && value <= MAX_NAME_BPM ? value : null;
}

/** Tokens that name a key in file names: `F#min`, `Am`, `Gmaj`, `C#m`, `Ebm`, `Bb`, `8A`, `Am7`. */
function keyFromToken(written: string): MusicalKey | null {
  if (/^(1[0-2]|[1-9])[AB]$/.test(written)) return parseKey(written);
  // A chord with an extension names its mode (`Am7`, `Cmaj7`, `F#m9`); `G7` alone does not.
  const token = /^([A-Ga-g][#b♯♭]?(?:maj|min|m))(?:6|7|9|11|13)$/.exec(written)?.[1] ?? written;
  if (!/^[A-Ga-g][#b♯♭]?(m|min|minor|maj|major|moll|dur)?$/.test(token)) return null;
  // A lone letter is a word ("A", "E"), not a key; a letter with a mode or accidental is.
  if (/^[A-Ga-g]$/.test(token)) return null;
  if (/^[a-g]b$/.test(token)) return null; // "eb", "ab" read as words more often than as keys
  return parseKey(token);
}

const ACCIDENTAL_WORD: Record<string, string> = { sharp: '#', flat: 'b' };

/**
 * Accidentals spelled out, as some packs write them (`Fsharp`, `F_Sharp`, `Bflat_Minor`), turned
 * into the signs the key tokens read (`F#`, `Bb`). Pure.
 */
function spellAccidentals(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const previous = out.at(-1);
    const after = /^(sharp|flat)(.*)$/i.exec(token);
    if (after && previous && /^[A-Ga-g]$/.test(previous)) {
      out[out.length - 1] =
        previous.toUpperCase() + ACCIDENTAL_WORD[after[1]!.toLowerCase()]! + after[2]!;
      continue;
    }
    const within = /^([A-Ga-g])(sharp|flat)(.*)$/i.exec(token);
    out.push(
      within
        ? within[1]!.toUpperCase() + ACCIDENTAL_WORD[within[2]!.toLowerCase()]! + within[3]!
        : token,
    );
  }
  return out;
}

/**
 * Reads tempo and key hints from a file name (without folders), as producers write them:
 * `Loop_128bpm_F#min.wav`, `DarkPad Am 90 BPM.wav`, `Bass 140 Gmaj.flac`, `Keys_Fsharp_Minor.wav`,
 * `ドラム_120.wav`.
 * A bare number counts as a tempo only between 60 and 200 and when it is its own token.
 */
export function hintsFromFileName(fileName: string): NameHints {
  const stem = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  let bpm = toBpm(BPM_MARKED.exec(stem)?.[1]) ?? toBpm(BPM_PREFIXED.exec(stem)?.[1]);
  const tokens = spellAccidentals(stem.split(SEPARATORS).filter((t) => t.length > 0));
  if (bpm === null) {
    for (const token of tokens) {
      if (/^\d{2,3}$/.test(token)) {
        const value = Number(token);
        if (value >= 60 && value <= 200) {
          bpm = value;
          break;
        }
      }
    }
  }
  let key: MusicalKey | null = null;
  for (let i = 0; i < tokens.length && !key; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1]?.toLowerCase();
    if (
      /^[A-Ga-g][#b♯♭]?$/.test(token) &&
      (next === 'minor' || next === 'major' || next === 'min' || next === 'maj')
    ) {
      key = parseKey(`${token} ${next}`);
    } else {
      key = keyFromToken(token);
    }
  }
  return { bpm, key };
}
