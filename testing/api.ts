import {
  libraryListOutputSchema,
  type LibraryListOutput,
  type LibraryListRequest,
} from '../shared/schemas/index.js';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small REST client of a server under test: JSON in and out, bearer token. */
export function api(baseUrl: string, token: string | null) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the raw text is the body
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const base = '/api/v1/audio/bulk-import';
  return {
    call,
    init: (body: unknown = {}) => call('POST', `${base}/init`, body),
    ingest: (body: unknown) => call('POST', `${base}/ingest`, body),
    check: (body: unknown) => call('POST', `${base}/check`, body),
    events: (jobId: string) => call('GET', `${base}/${jobId}/events`),
    similarFiles: (assetId: string) => call('GET', `/api/v1/audio/files/${assetId}/similar`),
    status: (jobId: string) => call('GET', `${base}/${jobId}/status`),
    cancel: (jobId: string) => call('POST', `${base}/${jobId}/cancel`),
    retry: (jobId: string) => call('POST', `${base}/${jobId}/retry`),
  };
}

/**
 * One page of the user's library as the web app sees it (tRPC `library.list` over HTTP).
 * @throws Error with the answer when the call is refused.
 */
export async function libraryPage(
  baseUrl: string,
  token: string,
  input: LibraryListRequest = {},
): Promise<LibraryListOutput> {
  const query = encodeURIComponent(JSON.stringify(input));
  const res = await fetch(`${baseUrl}/trpc/library.list?input=${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`library.list answered ${res.status}: ${JSON.stringify(body)}`);
  return libraryListOutputSchema.parse(body.result.data);
}

/** The user's library (its first 500 files, newest first): `library.list`'s items. */
export async function listLibrary(baseUrl: string, token: string): Promise<any[]> {
  return (await libraryPage(baseUrl, token, { limit: 500 })).items;
}
