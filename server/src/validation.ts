import { z } from 'zod';
import { badRequest } from './errors.js';

/** A zod error as one line per problem: "entries.3.path: path must be relative". */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      const where = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field(s) ${issue.keys.join(', ')}`
          : issue.message;
      return where ? `${where}: ${message}` : message;
    })
    .join('; ');
}

/**
 * Parses `input` with `schema`.
 * @throws AppError BAD_REQUEST whose message lists what is wrong and where.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(`invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Whether `value` is a UUID (ids of jobs, entries and files): anything else is not looked up. */
export function isUuid(value: string): boolean {
  return z.uuid().safeParse(value).success;
}
