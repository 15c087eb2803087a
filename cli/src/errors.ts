/** A mistake in how the command was called or configured: exit code 2, message to stderr. */
export class UsageError extends Error {
  readonly code = 'usage' as const;
}
