/** Headers of a page that must never be shown inside another site's frame (clickjacking). */
export const UNFRAMEABLE_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  // Not no-referrer: with it, browsers send `Origin: null` on the form's POST.
  'referrer-policy': 'same-origin',
} as const;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:4rem auto;padding:0 1rem;
color:#e8e9ee;background:#14161c}a{color:#9ab8ff}button{font:inherit;padding:.4rem 1.2rem;
margin-right:1rem;cursor:pointer}code{font-size:.95em}`;

/**
 * The page a sign-in link opened from another site's page answers instead of signing in: it
 * names the user the link signs in as and asks; its form POSTs the token to `action` (this
 * server), which sets the session cookie and goes on to `next`.
 */
export function confirmSignInPage(options: {
  userName: string;
  token: string;
  next: string;
  action: string;
}): string {
  const user = escapeHtml(options.userName);
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to sm-server as ${user}?</title>
<style>${STYLE}</style>
<main data-testid="confirm-sign-in">
<h1>Sign in to sm-server as ${user}?</h1>
<p>You followed a sign-in link from another site's page. It signs this browser in as
<strong>${user}</strong>: what you import then goes into ${user}'s library.</p>
<p>Continue only if you expected this link (the one <code>sm-server start</code> printed, or
one an operator gave you). Someone else's link would have you working in their account.</p>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="token" value="${escapeHtml(options.token)}">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<button type="submit" data-testid="confirm-sign-in-submit">Sign in as ${user}</button>
<a href="/">Cancel</a>
</form>
</main>
</html>
`;
}

/** The page of a request whose session cookie could not be read (the answer also removes it). */
export function malformedCookiePage(): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Sign in again</title>
<style>${STYLE}</style>
<main>
<h1>Sign in again</h1>
<p>This browser's session cookie is malformed, so it was removed.
<a href="/">Reload</a> and sign in again with your sign-in link.</p>
</main>
</html>
`;
}
