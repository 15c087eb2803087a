import { expect, test } from './support/fixtures.js';

test.use({ signIn: false });

test.describe('sign-in', () => {
  test('without a session the app asks for the link; pasting it signs in', async ({
    page,
    server,
    snap,
    pageErrors,
  }) => {
    await page.goto(`${server.url}/library`);
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await expect(page.getByTestId('library-page')).toHaveCount(0);
    await expect(page.getByTestId('import-page')).toHaveCount(0);
    await snap('signed-out');

    await page.getByTestId('sign-in-token').fill('not a link');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in').getByRole('alert')).toContainText('sign-in link');
    await snap('not-a-link');

    await page.getByTestId('sign-in-token').fill(server.signInUrl!);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('user-name')).toHaveText('local');
    await expect(page).toHaveURL(`${server.url}/library`);
    await expect(page.getByTestId('library-page')).toBeVisible();
    await expect(page.getByTestId('sign-in')).toHaveCount(0);
    await snap('signed-in');

    // The session is a cookie: a new page of the context is signed in too.
    const other = await page.context().newPage();
    await other.goto(`${server.url}/import`);
    await expect(other.getByTestId('steps')).toHaveAttribute('data-step', 'choose');
    await expect(other.getByTestId('user-name')).toHaveText('local');
    await other.close();
    expect(pageErrors).toEqual([]);
  });

  test('a bare token signs in as well', async ({ page, server, snap }) => {
    await page.goto(`${server.url}/import`);
    await page.getByTestId('sign-in-token').fill(`  ${server.token}  `);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('user-name')).toHaveText('local');
    await expect(page.getByTestId('steps')).toHaveAttribute('data-step', 'choose');
    await snap('signed-in');
  });
});
