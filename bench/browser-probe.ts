/**
 * What the browser benchmark records inside the page: long tasks and long animation frames
 * (with the scripts that ran in them), the click on "start analysis", and every change of the
 * progress figures and of the wizard's step, all on the page's clock (performance.now(), ms).
 */

/** A script that ran in a long animation frame (Chromium's PerformanceScriptTiming). */
export interface FrameScript {
  invoker: string;
  source: string;
  fn: string;
  charPosition: number;
  durationMs: number;
}

export interface LongFrame {
  startMs: number;
  durationMs: number;
  blockingMs: number;
  /** Style, layout and paint at the end of the frame. */
  renderMs: number;
  scripts: FrameScript[];
}

export interface ProbeState {
  clickAt: number | null;
  /** [page ms, files done, files total] at each change of the progress figures. */
  progress: [number, number, number][];
  /** [page ms, step] at each change of the wizard's step. */
  steps: [number, string][];
  longTasks: { startMs: number; durationMs: number }[];
  frames: LongFrame[];
  /** Whether Chromium gave long-animation-frame entries (the scripts' attribution). */
  framesSupported: boolean;
}

/** The global the probe lives in. */
export const PROBE = '__smBench';

/**
 * Installs the probe; passed to `addInitScript`, so it runs in the page before the app and
 * must not use anything outside its body.
 */
export function installProbe(): void {
  const state: ProbeState = {
    clickAt: null,
    progress: [],
    steps: [],
    longTasks: [],
    frames: [],
    framesSupported: false,
  };
  (window as unknown as Record<string, ProbeState>)['__smBench'] = state;

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      state.longTasks.push({ startMs: e.startTime, durationMs: e.duration });
    }
  }).observe({ type: 'longtask', buffered: true });

  interface ScriptTiming {
    invoker: string;
    sourceURL: string;
    sourceFunctionName: string;
    sourceCharPosition: number;
    duration: number;
  }
  interface FrameTiming extends PerformanceEntry {
    blockingDuration: number;
    renderStart: number;
    scripts: ScriptTiming[];
  }
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    state.framesSupported = true;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as FrameTiming[]) {
        if (e.duration <= 50 || state.frames.length >= 5000) continue;
        state.frames.push({
          startMs: e.startTime,
          durationMs: e.duration,
          blockingMs: e.blockingDuration,
          renderMs: e.renderStart > 0 ? e.startTime + e.duration - e.renderStart : 0,
          scripts: e.scripts.map((s) => ({
            invoker: s.invoker,
            source: s.sourceURL,
            fn: s.sourceFunctionName,
            charPosition: s.sourceCharPosition,
            durationMs: s.duration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  }

  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('[data-testid="start-analysis"]')) state.clickAt = performance.now();
    },
    true,
  );

  let lastFigures = '';
  let lastStep = '';
  new MutationObserver(() => {
    const now = performance.now();
    const step = document.querySelector('[data-testid="steps"]')?.getAttribute('data-step');
    if (step && step !== lastStep) {
      lastStep = step;
      state.steps.push([now, step]);
    }
    const done = document.querySelector('[data-testid="progress-done"]')?.textContent;
    const total = document.querySelector('[data-testid="progress-total"]')?.textContent;
    if (done == null || total == null || `${done}/${total}` === lastFigures) return;
    lastFigures = `${done}/${total}`;
    state.progress.push([now, Number(done), Number(total)]);
  }).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-step'],
  });
}
