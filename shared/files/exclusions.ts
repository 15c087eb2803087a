/**
 * Exclusions: which files of an import are left out, and why. Patterns come from the command
 * line (`--exclude`), from an import request, and from `.smignore` files in the tree, in
 * gitignore syntax: `#` comments, blank lines, `!` negation, a trailing `/` for folders only, a
 * leading or inner `/` anchors the pattern to the folder of its `.smignore`, `*`, `?`, `**` and
 * `[...]` classes; a pattern without a slash matches a name at any depth below.
 *
 * Pure and platform-neutral: the CLI, the wizard and the server's bucket import use this one
 * matcher. Matching is segment by segment with greedy backtracking (no regular expressions), so
 * its time is bounded by pattern length times path length whatever the pattern.
 */

/** The name of the file that holds a folder's exclusion patterns. */
export const IGNORE_FILE = '.smignore';
/** Most patterns one list (`--exclude`, a request, one `.smignore`) may hold. */
export const MAX_PATTERNS = 1000;
/** Longest pattern, in characters. */
export const MAX_PATTERN_LENGTH = 512;
/** Largest `.smignore` read, in bytes. */
export const MAX_IGNORE_FILE_BYTES = 64 * 1024;
/** Most `.smignore` files one import reads. */
export const MAX_IGNORE_FILES = 1000;

/** Where a pattern was written: `--exclude` (or a request's list), or a `.smignore` and line. */
export interface PatternOrigin {
  /** "--exclude", "exclude", or the path of the `.smignore` (as the import names paths). */
  source: string;
  /** 1-based line of the `.smignore`; null for a pattern given on its own. */
  line: number | null;
}

/** Why a file is excluded: the pattern that decided it, and where it was written. */
export interface ExclusionReason extends PatternOrigin {
  /** The pattern as written (with its `!` or trailing `/`). */
  pattern: string;
}

/** A file left out of an import, and why. */
export interface ExcludedFile {
  path: string;
  reason: ExclusionReason;
}

/** A pattern that cannot be used; the message says where it is and what to do. */
export class ExclusionPatternError extends Error {
  readonly code = 'bad_exclusion' as const;
}

/** The error for a `.smignore` over MAX_IGNORE_FILE_BYTES, as every importer reports it. */
export function ignoreFileTooLarge(path: string): ExclusionPatternError {
  return new ExclusionPatternError(
    `${path} is larger than ${MAX_IGNORE_FILE_BYTES / 1024} KB; keep fewer, broader patterns in it`,
  );
}

/** The error for an import holding more than MAX_IGNORE_FILES `.smignore` files. */
export function tooManyIgnoreFiles(): ExclusionPatternError {
  return new ExclusionPatternError(
    `more than ${MAX_IGNORE_FILES} ${IGNORE_FILE} files; keep the patterns in fewer, higher folders`,
  );
}

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] };

/** One segment of a pattern: `**` (any number of folders), or tokens matching one name. */
type Segment = { globstar: true } | { globstar: false; tokens: Token[] };

/** One compiled pattern. */
export interface ExclusionRule extends ExclusionReason {
  /** '/'-separated folder the pattern is relative to ('' for the import's root). */
  base: string;
  negated: boolean;
  folderOnly: boolean;
  /** Without a slash: matches the last name of a path at any depth under `base`. */
  nameOnly: boolean;
  segments: Segment[];
}

function where(origin: PatternOrigin): string {
  return origin.line === null ? origin.source : `${origin.source} line ${origin.line}`;
}

function bad(origin: PatternOrigin, pattern: string, why: string): ExclusionPatternError {
  return new ExclusionPatternError(
    `bad exclusion pattern "${pattern.slice(0, 80)}" (${where(origin)}): ${why}; fix or remove it`,
  );
}

/** The tokens of one segment's text (escapes, `*`, `?`, classes). */
function tokenize(text: string, origin: PatternOrigin, pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) throw bad(origin, pattern, 'it ends with a lone "\\"');
      tokens.push({ kind: 'char', char: next });
      i++;
    } else if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '[') {
      let j = i + 1;
      const negated = text[j] === '!' || text[j] === '^';
      if (negated) j++;
      const ranges: [string, string][] = [];
      let first = true;
      for (; j < text.length && (text[j] !== ']' || first); j++) {
        first = false;
        let lo = text[j]!;
        if (lo === '\\') lo = text[++j] ?? '\\';
        if (text[j + 1] === '-' && text[j + 2] !== undefined && text[j + 2] !== ']') {
          let hi = text[j + 2]!;
          j += 2;
          if (hi === '\\') hi = text[++j] ?? '\\';
          if (hi < lo) throw bad(origin, pattern, `the range ${lo}-${hi} is backwards`);
          ranges.push([lo, hi]);
        } else ranges.push([lo, lo]);
      }
      if (j >= text.length) throw bad(origin, pattern, 'a "[" is never closed by "]"');
      tokens.push({ kind: 'class', negated, ranges });
      i = j;
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/**
 * One line of a `.smignore` (or one `--exclude`) compiled; null for a blank line or a comment.
 * @throws ExclusionPatternError for a pattern too long, an unclosed class, a lone `\`, or one
 *   that can match nothing (`/`, `!`).
 */
export function compilePattern(
  line: string,
  origin: PatternOrigin,
  base = '',
): ExclusionRule | null {
  let text = line.replace(/\r$/, '');
  if (text.length > MAX_PATTERN_LENGTH)
    throw bad(origin, text, `it is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (text.trim() === '' || text.startsWith('#')) return null;
  // Trailing spaces are dropped unless escaped with a backslash.
  text = text.replace(/(?<!\\)[ \t]+$/, '');
  const written = text;
  const negated = text.startsWith('!');
  if (negated) text = text.slice(1);
  const folderOnly = text.endsWith('/');
  if (folderOnly) text = text.replace(/\/+$/, '');
  if (text === '') throw bad(origin, written, 'it names nothing');
  const anchored = text.includes('/');
  text = text.replace(/^\/+/, '');
  const parts = text.split('/');
  if (parts.some((p) => p === '')) throw bad(origin, written, 'it has an empty folder ("//")');
  const segments: Segment[] = [];
  for (const part of parts) {
    if (part === '**') {
      if (segments.at(-1)?.globstar !== true) segments.push({ globstar: true });
    } else {
      // "**" inside a name is an ordinary "*", as in gitignore.
      segments.push({ globstar: false, tokens: tokenize(part, origin, written) });
    }
  }
  // A trailing "/**" matches everything inside, not the folder itself: at least one more name.
  if (segments.length > 1 && segments.at(-1)!.globstar)
    segments.splice(-1, 0, { globstar: false, tokens: [{ kind: 'star' }] });
  return {
    pattern: written,
    source: origin.source,
    line: origin.line,
    base,
    negated,
    folderOnly,
    nameOnly: !anchored,
    segments,
  };
}

/**
 * The patterns of one `.smignore` file at `path` ('/'-separated, relative to the root); they
 * apply under its folder. `source` is how reasons name the file (its path by default).
 * @throws ExclusionPatternError (a bad line, too many patterns).
 */
export function compileIgnoreFile(path: string, text: string, source = path): ExclusionRule[] {
  const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const rules: ExclusionRule[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const rule = compilePattern(line, { source, line: i + 1 }, base);
    if (!rule) continue;
    if (rules.length === MAX_PATTERNS)
      throw new ExclusionPatternError(
        `${source} has more than ${MAX_PATTERNS} patterns; use fewer, broader ones (such as "*.mp3" or "Old/")`,
      );
    rules.push(rule);
  }
  return rules;
}

/**
 * Patterns given on their own (`--exclude`, a request's list); they apply from the root.
 * @throws ExclusionPatternError
 */
export function compilePatterns(patterns: readonly string[], source: string): ExclusionRule[] {
  if (patterns.length > MAX_PATTERNS)
    throw new ExclusionPatternError(
      `more than ${MAX_PATTERNS} ${source} patterns; use fewer, broader ones`,
    );
  const rules: ExclusionRule[] = [];
  for (const pattern of patterns) {
    if (pattern.includes('\n'))
      throw bad({ source, line: null }, pattern, 'it holds a line break; give one pattern each');
    if (pattern.trim() === '' || pattern.startsWith('#'))
      throw bad({ source, line: null }, pattern, 'it is blank or a comment');
    rules.push(compilePattern(pattern, { source, line: null })!);
  }
  return rules;
}

function classHas(token: Extract<Token, { kind: 'class' }>, c: string): boolean {
  const inside = token.ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return inside !== token.negated;
}

function tokenMatches(token: Token, c: string): boolean {
  if (token.kind === 'char') return token.char === c;
  if (token.kind === 'any') return true;
  return token.kind === 'class' && classHas(token, c);
}

/**
 * Whether `values` match `pattern`, where a star element stands for any run of values (none
 * included) and every other element for one value it `accepts`: greedy with backtracking to the
 * last star, so the time is bounded by the two lengths' product. Pure.
 */
function wildcardMatches<P, V>(
  pattern: readonly P[],
  values: readonly V[],
  isStar: (element: P) => boolean,
  accepts: (element: P, value: V) => boolean,
): boolean {
  let p = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < values.length) {
    const element = pattern[p];
    if (element !== undefined && !isStar(element) && accepts(element, values[v]!)) {
      p++;
      v++;
    } else if (element !== undefined && isStar(element)) {
      starAt = p++;
      resumeAt = v;
    } else if (starAt >= 0) {
      p = starAt + 1;
      v = ++resumeAt;
    } else return false;
  }
  while (pattern[p] !== undefined && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

/** Whether one name matches one segment's tokens (`*` within the name). */
function nameMatches(tokens: Token[], name: string): boolean {
  return wildcardMatches(tokens, name.split(''), (t) => t.kind === 'star', tokenMatches);
}

function segmentMatches(segment: Segment, name: string): boolean {
  return segment.globstar || nameMatches(segment.tokens, name);
}

/** Whether the names of a path match the segments (`**`: any number of names, none included). */
function pathMatches(segments: Segment[], names: string[]): boolean {
  return wildcardMatches(segments, names, (s) => s.globstar, segmentMatches);
}

/** Whether the rule matches `path` (relative to the root), a folder when `folder`. */
function ruleMatches(rule: ExclusionRule, path: string, folder: boolean): boolean {
  if (rule.folderOnly && !folder) return false;
  let under = path;
  if (rule.base !== '') {
    if (!path.startsWith(`${rule.base}/`)) return false;
    under = path.slice(rule.base.length + 1);
  }
  if (rule.nameOnly) {
    const name = under.slice(under.lastIndexOf('/') + 1);
    return segmentMatches(rule.segments[0]!, name) && rule.segments.length === 1;
  }
  return pathMatches(rule.segments, under.split('/'));
}

/**
 * A set of compiled rules, answering for a path relative to the root whether it is excluded and
 * by which pattern. As in gitignore, the last rule that matches decides (a `!` rule includes
 * again), rules of deeper `.smignore` files come after those of shallower ones, `--exclude`
 * and request patterns come last (they win), and a file in an excluded folder stays excluded.
 */
export class Exclusions {
  private readonly rules: ExclusionRule[];
  private readonly folders = new Map<string, ExclusionReason | null>();

  constructor(optionRules: ExclusionRule[], fileRules: ExclusionRule[] = []) {
    const depth = (r: ExclusionRule) => (r.base === '' ? 0 : r.base.split('/').length);
    // A stable sort keeps each file's own order.
    const byDepth = [...fileRules].sort((a, b) => depth(a) - depth(b));
    this.rules = [...byDepth, ...optionRules];
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Why the file (or, with `folder`, the folder) at `path` is excluded; null when it is not. */
  reason(path: string, folder = false): ExclusionReason | null {
    if (this.rules.length === 0) return null;
    const slash = path.lastIndexOf('/');
    const parent = slash > 0 ? this.folderReason(path.slice(0, slash)) : null;
    return parent ?? this.decide(path, folder);
  }

  private folderReason(path: string): ExclusionReason | null {
    let known = this.folders.get(path);
    if (known === undefined) {
      const slash = path.lastIndexOf('/');
      known = (slash > 0 && this.folderReason(path.slice(0, slash))) || this.decide(path, true);
      this.folders.set(path, known);
    }
    return known;
  }

  private decide(path: string, folder: boolean): ExclusionReason | null {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (!ruleMatches(rule, path, folder)) continue;
      return rule.negated ? null : { pattern: rule.pattern, source: rule.source, line: rule.line };
    }
    return null;
  }
}

/** "excluded by "*.mp3" (Samples/.smignore line 3)": for people. */
export function describeExclusion(reason: ExclusionReason): string {
  return `excluded by "${reason.pattern}" (${where(reason)})`;
}

/** Whether a path names a `.smignore` file (never imported). */
export function isIgnoreFile(path: string): boolean {
  return path === IGNORE_FILE || path.endsWith(`/${IGNORE_FILE}`);
}
