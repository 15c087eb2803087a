import { describe, expect, it } from 'vitest';
import {
  compileIgnoreFile,
  compilePatterns,
  describeExclusion,
  ExclusionPatternError,
  Exclusions,
  MAX_PATTERN_LENGTH,
  MAX_PATTERNS,
} from './exclusions.js';
import { sortExcluded } from './exclusion-filter.js';

/** Which of `paths` the `.smignore` text at the root excludes. */
function excludedBy(text: string, paths: string[]): string[] {
  const exclusions = new Exclusions([], compileIgnoreFile('.smignore', text));
  return paths.filter((p) => exclusions.reason(p) !== null);
}

const TREE = [
  'kick.wav',
  'kick.mp3',
  'Drums/kick.wav',
  'Drums/snare.mp3',
  'Drums/Old/tom.wav',
  'Old/pad.wav',
  'Bass/Old',
  'Stems/a/b/c/vox.wav',
];

describe('exclusion patterns (gitignore syntax)', () => {
  it('matches a pattern without a slash as a name at any depth', () => {
    expect(excludedBy('*.mp3', TREE)).toEqual(['kick.mp3', 'Drums/snare.mp3']);
    expect(excludedBy('kick.wav', TREE)).toEqual(['kick.wav', 'Drums/kick.wav']);
  });

  it('anchors a pattern with a leading or inner slash to the folder of its file', () => {
    expect(excludedBy('/kick.wav', TREE)).toEqual(['kick.wav']);
    expect(excludedBy('Drums/kick.wav', TREE)).toEqual(['Drums/kick.wav']);
    expect(excludedBy('/Old', TREE)).toEqual(['Old/pad.wav']);
  });

  it('matches a trailing-slash pattern with folders only, and everything in them', () => {
    // "Bass/Old" is a file: "Old/" leaves it, "Old" takes it too.
    expect(excludedBy('Old/', TREE)).toEqual(['Drums/Old/tom.wav', 'Old/pad.wav']);
    expect(excludedBy('Old', TREE)).toEqual(['Drums/Old/tom.wav', 'Old/pad.wav', 'Bass/Old']);
  });

  it('reads ** as any number of folders, none included', () => {
    expect(excludedBy('**/Old/*.wav', TREE)).toEqual(['Drums/Old/tom.wav', 'Old/pad.wav']);
    expect(excludedBy('Stems/**/vox.wav', TREE)).toEqual(['Stems/a/b/c/vox.wav']);
    expect(excludedBy('Stems/**/vox.wav', ['Stems/vox.wav'])).toEqual(['Stems/vox.wav']);
    expect(excludedBy('Drums/**', TREE)).toEqual([
      'Drums/kick.wav',
      'Drums/snare.mp3',
      'Drums/Old/tom.wav',
    ]);
    // A single * does not cross folders.
    expect(excludedBy('Stems/*/vox.wav', TREE)).toEqual([]);
  });

  it('reads ?, classes, ranges and their negation', () => {
    const paths = ['a1.wav', 'b2.wav', 'c3.wav', 'ab.wav', 'a].wav'];
    expect(excludedBy('?1.wav', paths)).toEqual(['a1.wav']);
    expect(excludedBy('[ab][0-9].wav', paths)).toEqual(['a1.wav', 'b2.wav']);
    expect(excludedBy('[!ab]*.wav', paths)).toEqual(['c3.wav']);
    expect(excludedBy('a[]].wav', paths)).toEqual(['a].wav']);
  });

  it('includes again with !, the last matching pattern deciding', () => {
    expect(excludedBy('*.wav\n!kick.wav', TREE)).toEqual([
      'Drums/Old/tom.wav',
      'Old/pad.wav',
      'Stems/a/b/c/vox.wav',
    ]);
    expect(excludedBy('!kick.wav\n*.wav', ['kick.wav'])).toEqual(['kick.wav']);
  });

  it('reads a trailing /** as what is inside the folder, not the folder', () => {
    expect(excludedBy('Drums/**\n!Drums/kick.wav', TREE)).toEqual([
      'Drums/snare.mp3',
      'Drums/Old/tom.wav',
    ]);
  });

  it('never includes again a file whose folder is excluded', () => {
    expect(excludedBy('Old/\n!Old/pad.wav', ['Old/pad.wav'])).toEqual(['Old/pad.wav']);
    // Excluding the folder's contents, not the folder, lets a file back in.
    expect(excludedBy('Old/*\n!Old/pad.wav', ['Old/pad.wav', 'Old/x.wav'])).toEqual(['Old/x.wav']);
  });

  it('skips comments and blank lines, keeps escaped # and !, drops trailing spaces', () => {
    const text = '# a comment\n\n\\#take.wav\n\\!x.wav\nspaced.wav   \r\n';
    expect(excludedBy(text, ['#take.wav', '!x.wav', 'spaced.wav', 'a comment'])).toEqual([
      '#take.wav',
      '!x.wav',
      'spaced.wav',
    ]);
  });

  it('applies a .smignore under its own folder only, after those above it', () => {
    const exclusions = new Exclusions(
      [],
      [
        ...compileIgnoreFile('Drums/.smignore', '!snare.mp3\n/kick.wav'),
        ...compileIgnoreFile('.smignore', '*.mp3'),
      ],
    );
    expect(exclusions.reason('kick.mp3')?.source).toBe('.smignore');
    // The deeper file includes again what the root one excludes.
    expect(exclusions.reason('Drums/snare.mp3')).toBeNull();
    expect(exclusions.reason('Drums/kick.wav')).toEqual({
      pattern: '/kick.wav',
      source: 'Drums/.smignore',
      line: 2,
    });
    expect(exclusions.reason('kick.wav')).toBeNull();
    expect(exclusions.reason('Drums/Old/kick.wav')).toBeNull();
  });

  it('lets --exclude patterns win over .smignore files', () => {
    const exclusions = new Exclusions(
      compilePatterns(['*.mp3'], '--exclude'),
      compileIgnoreFile('.smignore', '!keep.mp3'),
    );
    const reason = exclusions.reason('keep.mp3');
    expect(reason).toEqual({ pattern: '*.mp3', source: '--exclude', line: null });
    expect(describeExclusion(reason!)).toBe('excluded by "*.mp3" (--exclude)');
  });

  it('refuses bad patterns with where they are and what to do', () => {
    const refuse = (text: string) => () => compileIgnoreFile('Kit/.smignore', text);
    expect(refuse('ok.wav\n[abc')).toThrow(
      'bad exclusion pattern "[abc" (Kit/.smignore line 2): a "[" is never closed by "]"; fix or remove it',
    );
    expect(refuse('x\\')).toThrow(ExclusionPatternError);
    expect(refuse('[z-a]')).toThrow('backwards');
    expect(refuse('/')).toThrow('names nothing');
    expect(refuse('a//b')).toThrow('empty folder');
    expect(refuse('x'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow('longer than');
    expect(refuse('*.wav\n'.repeat(MAX_PATTERNS + 1))).toThrow('more than');
    expect(() => compilePatterns([''], '--exclude')).toThrow('blank');
    expect(() => compilePatterns(['a\nb'], '--exclude')).toThrow('line break');
  });

  it('matches hostile patterns in bounded time', () => {
    const exclusions = new Exclusions(compilePatterns([`${'*a'.repeat(200)}b`], '--exclude'));
    const started = Date.now();
    expect(exclusions.reason(`${'a'.repeat(250)}/${'a'.repeat(250)}`)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('sortExcluded', () => {
  it('sorts each root with its own .smignore files, and never keeps a .smignore', () => {
    const paths = [
      'Samples/.smignore',
      'Samples/kick.wav',
      'Samples/demo.mp3',
      'More/demo.mp3',
      'More/Old/pad.wav',
      'loose.mp3',
    ];
    const sorted = sortExcluded(paths, (p) => p, {
      rooted: true,
      patterns: ['/Old'],
      ignoreFiles: [{ path: 'Samples/.smignore', text: '*.mp3\n' }],
    });
    expect(sorted.kept).toEqual(['Samples/kick.wav', 'More/demo.mp3', 'loose.mp3']);
    expect(sorted.excluded.map((e) => [e.path, e.reason.source, e.reason.line])).toEqual([
      ['Samples/demo.mp3', 'Samples/.smignore', 1],
      ['More/Old/pad.wav', '--exclude', null],
    ]);
  });

  it('reads paths relative to one root when not rooted (a bucket prefix)', () => {
    const sorted = sortExcluded(['Old/a.wav', 'b.wav', 'Old/.smignore'], (p) => p, {
      rooted: false,
      ignoreFiles: [{ path: '.smignore', text: '/Old/' }],
    });
    expect(sorted.kept).toEqual(['b.wav']);
    expect(sorted.excluded.map((e) => e.path)).toEqual(['Old/a.wav']);
  });
});
