import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES } from '../testing/paths.js';
import { S3_TEST_CREDENTIALS, startS3Server, type TestS3Server } from '../testing/s3-server.js';
import { expect, test } from './support/fixtures.js';

// "Import from a bucket" in the wizard, against an S3-compatible server (s3rver) on this
// machine: credentials the store refuses are explained before any job runs; then the server
// imports the bucket and the page shows the job live to its end, copies and failures included,
// and the objects a .smignore under the prefix left out.

const BUCKET = 'sm-e2e-bucket';
const OBJECTS: Record<string, string> = {
  'Kick_03.wav': 'oneshots/Kick_03.wav',
  'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
  'copies/Kick_03 copy.wav': 'oneshots/Kick_03.wav',
  'bad/truncated.mp3': 'bad/truncated.mp3',
};

let s3: TestS3Server;

test.beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  for (const [key, fixture] of Object.entries(OBJECTS))
    await s3.put(BUCKET, `pack/${key}`, await readFile(join(FIXTURES, fixture)));
  // A .smignore under the prefix leaves out a folder: the page says so, and why.
  await s3.put(BUCKET, 'pack/.smignore', '# not these\nold/\n');
  await s3.put(BUCKET, 'pack/old/Kick.wav', await readFile(join(FIXTURES, 'oneshots/Kick_03.wav')));
});
test.afterAll(async () => s3?.close());

// eslint-disable-next-line no-empty-pattern
test.use({ serverEnv: async ({}, use) => use({ BUCKET_ENDPOINTS: s3.endpoint }) });

test('a bucket imported from the wizard, refused credentials explained first', async ({
  page,
  server,
  snap,
  pageErrors,
}) => {
  await page.getByTestId('bucket-open').click();
  const form = page.getByTestId('bucket-form');
  await form.getByTestId('bucket-url').fill(`s3://${BUCKET}/pack`);
  await form.getByTestId('bucket-key').fill('NOT-A-KEY');
  await form.getByTestId('bucket-secret').fill(S3_TEST_CREDENTIALS.secretAccessKey);
  await form.getByText('More').click();
  await form.getByTestId('bucket-endpoint').fill(s3.endpoint);

  await test.step('credentials the store refuses: the reason, and no job', async () => {
    await form.getByTestId('bucket-start').click();
    await expect(page.getByTestId('bucket-error')).toContainText(
      `cannot read s3://${BUCKET}/pack: InvalidAccessKeyId`,
    );
    await snap('refused');
  });

  await test.step('the right key: the job runs live to its end', async () => {
    await form.getByTestId('bucket-key').fill(S3_TEST_CREDENTIALS.accessKeyId);
    await form.getByTestId('bucket-start').click();
    const job = page.getByTestId('bucket-job');
    await expect(job).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
    await expect(page.getByTestId('bucket-stored')).toHaveText('2');
    await expect(page.getByTestId('bucket-duplicates')).toHaveText('1');
    await expect(page.getByTestId('bucket-failed')).toHaveText('1');
    await expect(page.getByTestId('bucket-errors')).toContainText('bad/truncated.mp3');
    const excluded = job.getByTestId('excluded');
    await expect(excluded.getByTestId('excluded-count')).toHaveText('1 file excluded by .smignore');
    await excluded.getByTestId('excluded-count').click();
    const file = excluded.getByTestId('excluded-file');
    await expect(file).toHaveAttribute('data-path', 'old/Kick.wav');
    await expect(file).toContainText('excluded by "old/" (.smignore line 2)');
    await snap('completed');
  });

  await test.step('the library holds the two sounds', async () => {
    await page.goto(`${server.url}/library`);
    await expect(page.getByTestId('library-row')).toHaveCount(2);
  });
  expect(pageErrors).toEqual([]);
});
