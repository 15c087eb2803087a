/** Leading slashes and backslashes, raw or percent-encoded. */
const LEADING_SEPARATORS = /^(?:[/\\]|%2f|%5c)+/i;

/**
 * A path to redirect to on this server only: `pathname` with its leading slashes and
 * backslashes (raw or percent-encoded) collapsed into one `/`, so that no browser reads it as
 * `//host/…` (another site), then `search` (a `?…` query, or nothing). Never has a scheme or a
 * host, nor control characters.
 */
export function sameOriginPath(pathname: string, search = ''): string {
  // Control characters go first: browsers skip some of them, which could join two slashes.
  // eslint-disable-next-line no-control-regex
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, '');
  const path = '/' + clean(pathname).replace(LEADING_SEPARATORS, '');
  const query = search.startsWith('?') ? clean(search) : '';
  return path + query;
}
