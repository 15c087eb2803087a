import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SM_SERVER_BIN as BIN } from '../../testing/paths.js';
import { startServerProcess } from '../../testing/server-process.js';

// BIN: the built command, as `npm start` and `npx sm-server` run it (npm test builds first).
const run = promisify(execFile);

/** `sm-server start` on a data folder: its address and the sign-in link it printed. */
async function start(dataDir: string) {
  const server = await startServerProcess({ dataDir });
  return { url: server.url, signIn: server.signInUrl!, stop: () => server.stop() };
}

describe('sm-server', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sm-server-cli-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('user add --json prints the user and a token that works once the server runs', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'user', 'add', 'bob', '--json'], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    const { user, token } = JSON.parse(stdout) as { user: { name: string }; token: string };
    expect(user.name).toBe('bob');
    const server = await start(dataDir);
    try {
      const { url } = server;
      const res = await fetch(`${url}/api/v1/audio/bulk-import/init`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(201);
    } finally {
      await server.stop();
    }
    const again = await run(process.execPath, [BIN, 'user', 'add', 'bob'], {
      env: { ...process.env, DATA_DIR: dataDir },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/user named "bob" already exists/),
    });
  });

  it('prints a sign-in link that becomes a session cookie, the same across restarts', async () => {
    const first = await start(dataDir);
    let link: string;
    try {
      const { url, signIn } = first;
      link = signIn;
      const signed = await fetch(signIn, { redirect: 'manual' });
      expect(signed.status).toBe(303);
      expect(signed.headers.get('location')).toBe('/');
      const cookie = signed.headers.get('set-cookie')!.split(';')[0]!;
      expect(cookie).toMatch(/^sm_session=smt_/);
      const withCookie = await fetch(`${url}/api/v1/audio/bulk-import/init`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(withCookie.status).toBe(201);
      const bad = await fetch(`${url}/?token=smt_${'x'.repeat(43)}`, { redirect: 'manual' });
      expect(bad.status).toBe(401);
    } finally {
      await first.stop();
    }
    const second = await start(dataDir);
    try {
      const { signIn } = second;
      expect(new URL(signIn).searchParams.get('token')).toBe(
        new URL(link).searchParams.get('token'),
      );
    } finally {
      await second.stop();
    }
  });

  it('stops at start with a message naming a bad setting', async () => {
    for (const [env, message] of [
      [{ PORT: 'eighty' }, /PORT: PORT must be a number/],
      [{ PORT: '70000' }, /PORT: PORT must be between 0 and 65535/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: DATABASE_URL must start with postgres:\/\//],
      [{ MAX_UPLOAD_BYTES: '-5' }, /MAX_UPLOAD_BYTES: MAX_UPLOAD_BYTES must be greater than 0/],
    ] as const) {
      const result = await run(process.execPath, [BIN, 'start'], {
        env: { ...process.env, DATA_DIR: dataDir, ...env },
      }).catch((e: { code: number; stderr: string }) => e);
      expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
    }
  });

  it('answers a wrong command with usage and exit code 2', async () => {
    const result = await run(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dataDir },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command "serve"[\s\S]*usage:/),
    });
  });
});
