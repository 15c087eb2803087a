import { useState } from 'react';

/**
 * Signs this browser out: the server revokes the session's token (it works nowhere any more)
 * and removes the cookie. Resolves once that is done; rejects with what to tell the user.
 */
export async function signOut(): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/v1/session/sign-out', { method: 'POST', credentials: 'same-origin' });
  } catch {
    throw new Error('The server cannot be reached: sign out once it is back.');
  }
  // 401: the token was revoked already; the answer removed the cookie all the same.
  if (!res.ok && res.status !== 401) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  }
}

/** The header's "Sign out" button; `onSignedOut` runs once the server has signed out. */
export function SignOutButton({ onSignedOut }: { onSignedOut: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="quiet"
        data-testid="sign-out"
        disabled={busy}
        title={error ?? 'Sign out of this browser; the sign-in link you used stops working'}
        onClick={() => {
          setBusy(true);
          setError(null);
          signOut().then(onSignedOut, (e: unknown) => {
            setError(e instanceof Error ? e.message : String(e));
            setBusy(false);
          });
        }}
      >
        Sign out
      </button>
      {error && (
        <span className="error" role="alert" data-testid="sign-out-error">
          {error}
        </span>
      )}
    </>
  );
}
