import { describe, expect, it } from 'vitest';
import { createTaskPool, type PoolSlot } from './task-pool.js';

type Result =
  { task: string; ok: true; slot: number } | { task: string; ok: false; reason: string };

/** A worker whose tasks finish when the test says so. */
class FakeSlot implements PoolSlot<string, Result> {
  terminated = false;
  readonly started: string[] = [];
  private crashListener: ((reason: string) => void) | null = null;
  private current: {
    task: string;
    resolve: (r: Result) => void;
    reject: (e: unknown) => void;
  } | null = null;

  constructor(
    readonly id: number,
    private readonly world: World,
  ) {}

  run(task: string): Promise<Result> {
    if (this.current)
      throw new Error(`slot ${this.id} was given ${task} while running ${this.current.task}`);
    if (this.terminated) throw new Error(`slot ${this.id} was given ${task} after terminate()`);
    this.started.push(task);
    this.world.order.push(task);
    this.world.active += 1;
    this.world.maxActive = Math.max(this.world.maxActive, this.world.active);
    return new Promise<Result>((resolve, reject) => {
      this.current = { task, resolve, reject };
    });
  }

  onCrash(listener: (reason: string) => void): void {
    this.crashListener = listener;
  }

  terminate(): void {
    this.terminated = true;
  }

  get task(): string | null {
    return this.current?.task ?? null;
  }

  finish(): void {
    const job = this.take();
    job.resolve({ task: job.task, ok: true, slot: this.id });
  }

  fail(error: unknown): void {
    this.take().reject(error);
  }

  crash(reason: string): void {
    if (this.current) this.take();
    this.crashListener?.(reason);
  }

  /** Settles the task the pool gave up on, as a worker might after all. */
  lateFinish(): void {
    this.finish();
  }

  private take(): NonNullable<FakeSlot['current']> {
    const job = this.current;
    if (!job) throw new Error(`slot ${this.id} runs nothing`);
    this.current = null;
    this.world.active -= 1;
    return job;
  }
}

interface World {
  slots: FakeSlot[];
  order: string[];
  active: number;
  maxActive: number;
}

function setup(size: number) {
  const world: World = { slots: [], order: [], active: 0, maxActive: 0 };
  const pool = createTaskPool<string, Result>({
    size,
    spawn: () => {
      const slot = new FakeSlot(world.slots.length, world);
      world.slots.push(slot);
      return slot;
    },
    crashed: (task, reason) => ({ task, ok: false, reason }),
  });
  const running = (): FakeSlot[] => world.slots.filter((s) => s.task !== null);
  const slotOf = (task: string): FakeSlot => {
    const slot = world.slots.find((s) => s.task === task);
    if (!slot) throw new Error(`${task} is not running`);
    return slot;
  };
  return { pool, world, running, slotOf };
}

/** Lets promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('createTaskPool', () => {
  it('spawns `size` slots up front', () => {
    const { pool, world } = setup(3);
    expect(world.slots).toHaveLength(3);
    expect(pool.size).toBe(3);
    expect(pool.waiting).toBe(0);
  });

  it('never runs more than `size` tasks at once, takes them FIFO and returns each result to its caller', async () => {
    const { pool, world, running } = setup(2);
    const tasks = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const results = tasks.map((t) => pool.run(t));
    expect(
      running()
        .map((s) => s.task)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(pool.waiting).toBe(5);

    // Finish in an order unlike the queue's: whichever running task is last started goes first.
    while (running().length > 0) {
      expect(running().length).toBeLessThanOrEqual(2);
      running().at(-1)!.finish();
      await settle();
    }
    expect(world.maxActive).toBe(2);
    expect(world.order).toEqual(tasks);
    expect(pool.waiting).toBe(0);
    const settled = await Promise.all(results);
    expect(settled.map((r) => r.task)).toEqual(tasks);
    expect(settled.every((r) => r.ok)).toBe(true);
  });

  it('counts waiting tasks, not running ones', async () => {
    const { pool, slotOf } = setup(1);
    void pool.run('a');
    expect(pool.waiting).toBe(0);
    void pool.run('b');
    void pool.run('c');
    expect(pool.waiting).toBe(2);
    slotOf('a').finish();
    await settle();
    expect(pool.waiting).toBe(1);
    slotOf('b').finish();
    await settle();
    expect(pool.waiting).toBe(0);
  });

  it('resolves a task whose slot crashes with crashed(), replaces the slot and goes on', async () => {
    const { pool, world, slotOf } = setup(2);
    const a = pool.run('a');
    const b = pool.run('b');
    const c = pool.run('c');
    const d = pool.run('d');
    const victim = slotOf('a');

    victim.crash('out of memory');
    expect(await a).toEqual({ task: 'a', ok: false, reason: 'out of memory' });
    expect(victim.terminated).toBe(true);
    expect(world.slots).toHaveLength(3);
    const replacement = world.slots[2]!;
    expect(replacement.terminated).toBe(false);
    expect(replacement.task).toBe('c');
    expect(pool.waiting).toBe(1);

    // The crashed worker's answer, should it still come, changes nothing.
    victim.crash('again');
    expect(world.slots).toHaveLength(3);

    slotOf('b').finish();
    await settle();
    slotOf('c').finish();
    slotOf('d').finish();
    expect(await b).toMatchObject({ task: 'b', ok: true });
    expect(await c).toEqual({ task: 'c', ok: true, slot: 2 });
    expect(await d).toMatchObject({ task: 'd', ok: true });
    expect(world.slots.filter((s) => s.terminated)).toEqual([victim]);
  });

  it('replaces an idle slot that crashes', async () => {
    const { pool, world } = setup(1);
    world.slots[0]!.crash('worker script failed to load');
    expect(world.slots).toHaveLength(2);
    expect(world.slots[0]!.terminated).toBe(true);
    const result = pool.run('a');
    expect(world.slots[0]!.started).toEqual([]);
    expect(world.slots[1]!.task).toBe('a');
    world.slots[1]!.finish();
    expect(await result).toEqual({ task: 'a', ok: true, slot: 1 });
  });

  it('resolves a task whose run() rejects with crashed() and keeps the slot', async () => {
    const { pool, world, slotOf } = setup(1);
    const a = pool.run('a');
    const b = pool.run('b');
    slotOf('a').fail(new Error('decoder blew up'));
    const result = await a;
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ task: 'a', reason: expect.stringContaining('decoder blew up') });
    await settle();
    expect(world.slots).toHaveLength(1);
    expect(slotOf('b')).toBe(world.slots[0]);
    slotOf('b').finish();
    expect(await b).toMatchObject({ task: 'b', ok: true });
  });

  it('terminate() stops every slot and resolves running and waiting tasks with crashed()', async () => {
    const { pool, world, slotOf } = setup(2);
    const results = ['a', 'b', 'c', 'd'].map((t) => pool.run(t));
    const a = slotOf('a');
    pool.terminate();

    expect(world.slots.every((s) => s.terminated)).toBe(true);
    expect(pool.waiting).toBe(0);
    const settled = await Promise.all(results);
    expect(settled.map((r) => [r.task, r.ok])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', false],
    ]);
    for (const r of settled) expect(r).toMatchObject({ reason: expect.any(String) });

    // A worker that answers or crashes after the stop neither starts anything nor respawns.
    a.lateFinish();
    await settle();
    world.slots[1]!.crash('killed');
    expect(world.slots).toHaveLength(2);

    const later = await pool.run('e');
    expect(later).toMatchObject({ task: 'e', ok: false });
    expect(world.order).toEqual(['a', 'b']);
    expect(pool.waiting).toBe(0);
  });
});
