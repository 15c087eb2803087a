/** One worker as the pool sees it: runs one task at a time, and may crash. */
export interface PoolSlot<T, R> {
  run(task: T): Promise<R>;
  /** Registers what to do when the worker dies (an uncaught error, out of memory). */
  onCrash(listener: (reason: string) => void): void;
  terminate(): void;
}

export interface TaskPool<T, R> {
  /** Runs `task` on the next free worker; the promise settles with its result. */
  run(task: T): Promise<R>;
  readonly size: number;
  /** Tasks waiting for a worker, not counting those running. */
  readonly waiting: number;
  /** Stops every worker; tasks not yet finished resolve with `onCrash`'s result. */
  terminate(): void;
}

interface Pending<T, R> {
  task: T;
  resolve: (result: R) => void;
}

/**
 * A fixed pool of `size` workers fed from one FIFO queue. A worker that crashes is replaced;
 * the task it was running resolves with `crashed(task, reason)`, so one bad file never stops
 * the others or hangs its caller.
 */
export function createTaskPool<T, R>(options: {
  size: number;
  spawn: () => PoolSlot<T, R>;
  crashed: (task: T, reason: string) => R;
}): TaskPool<T, R> {
  const queue: Pending<T, R>[] = [];
  const slots = new Set<PoolSlot<T, R>>();
  const idle: PoolSlot<T, R>[] = [];
  const running = new Map<PoolSlot<T, R>, Pending<T, R>>();
  let stopped = false;

  function spawn(): void {
    const slot = options.spawn();
    slots.add(slot);
    slot.onCrash((reason) => {
      if (!slots.delete(slot)) return;
      const job = running.get(slot);
      running.delete(slot);
      const at = idle.indexOf(slot);
      if (at >= 0) idle.splice(at, 1);
      slot.terminate();
      job?.resolve(options.crashed(job.task, reason));
      if (!stopped) {
        spawn();
        pump();
      }
    });
    idle.push(slot);
  }

  function pump(): void {
    while (idle.length > 0 && queue.length > 0) {
      const slot = idle.pop()!;
      const job = queue.shift()!;
      running.set(slot, job);
      slot.run(job.task).then(
        (result) => finish(slot, job, result),
        (error: unknown) => finish(slot, job, options.crashed(job.task, String(error))),
      );
    }
  }

  function finish(slot: PoolSlot<T, R>, job: Pending<T, R>, result: R): void {
    if (running.get(slot) !== job) return;
    running.delete(slot);
    job.resolve(result);
    if (slots.has(slot)) idle.push(slot);
    pump();
  }

  for (let i = 0; i < options.size; i++) spawn();

  return {
    size: options.size,
    get waiting() {
      return queue.length;
    },
    run(task) {
      if (stopped) return Promise.resolve(options.crashed(task, 'the analysis was stopped'));
      return new Promise<R>((resolve) => {
        queue.push({ task, resolve });
        pump();
      });
    },
    terminate() {
      stopped = true;
      for (const slot of slots) slot.terminate();
      for (const [, job] of running)
        job.resolve(options.crashed(job.task, 'the analysis was stopped'));
      for (const job of queue.splice(0))
        job.resolve(options.crashed(job.task, 'the analysis was stopped'));
      running.clear();
      slots.clear();
      idle.length = 0;
    },
  };
}
