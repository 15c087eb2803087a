import { useState, type FormEvent } from 'react';

/** Turns what the user pasted (a sign-in link or a bare token) into the token. */
export function tokenFrom(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const token = new URL(trimmed).searchParams.get('token');
    if (token) return token;
  } catch {
    // Not a link: a bare token.
  }
  return /^\S+$/.test(trimmed) ? trimmed : null;
}

/** Shown when the server does not know this browser: paste the link or token it printed. */
export function SignIn() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    const token = tokenFrom(text);
    if (!token) {
      setError(
        'Paste the sign-in link that `sm-server start` printed, or a token from `sm-server user token NAME`.',
      );
      return;
    }
    location.assign(`${location.pathname}?token=${encodeURIComponent(token)}`);
  }
  return (
    <main className="sign-in" data-testid="sign-in">
      <h1>Sign in</h1>
      <p>
        Open the sign-in link the server printed when it started, or paste it (or your token) here.
      </p>
      <form onSubmit={submit}>
        <input
          data-testid="sign-in-token"
          aria-label="Sign-in link or token"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="http://127.0.0.1:8420/?token=…"
          autoFocus
        />
        <button type="submit" data-testid="sign-in-submit">
          Sign in
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
