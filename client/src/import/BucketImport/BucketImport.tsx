import { useEffect, useState, type FormEvent } from 'react';
import type { JobStatusResponse, S3Source } from '../../../../shared/schemas/index.js';
import { parseS3Url } from '../../../../shared/s3/s3-url.js';
import { describeApiError } from '../../api/api-errors.js';
import { api } from '../../api/trpc.js';
import { Excluded } from '../Excluded/Excluded.js';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * The job of a bucket import, live: its status and counts, the objects its listing excluded
 * (how many, and why for the first 100), then its failures.
 */
function BucketJob({ job }: { job: JobStatusResponse }) {
  const t = job.totals;
  return (
    <div className="bucket-job" data-testid="bucket-job" data-status={job.status}>
      <p>
        Job <span data-testid="bucket-status">{job.status}</span>
        {!ENDED.has(job.status) && ': the server is fetching and analysing the files'}
      </p>
      <ul className="big-counts">
        <li>
          <strong data-testid="bucket-stored">{t.completed}</strong> imported
        </li>
        <li>
          <strong data-testid="bucket-duplicates">{t.duplicates}</strong> duplicates
        </li>
        <li>
          <strong data-testid="bucket-failed">{t.failed}</strong> failed
        </li>
      </ul>
      {job.bucket && <Excluded files={job.bucket.excluded_sample} total={job.bucket.excluded} />}
      {job.errors.length > 0 && (
        <ul className="reasons" data-testid="bucket-errors">
          {job.errors.map((e) => (
            <li key={e.path}>
              <strong>{e.path}</strong>: {e.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * "Import from a bucket": the server lists, fetches and analyses the objects itself; the page
 * sends the bucket and the credentials (for this job only: the server keeps them sealed and
 * forgets them when the job ends) and follows the job live.
 */
export function BucketImport() {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<JobStatusResponse | null>(null);

  const jobId = job?.job_id ?? null;
  const ended = job ? ENDED.has(job.status) : true;
  useEffect(() => {
    if (!jobId || ended) return;
    // Events show progress; the status, asked every two seconds, is the truth at the end.
    const sub = api.bulkImport.updates.subscribe(
      { job_id: jobId },
      { onData: () => void refresh(jobId) },
    );
    const timer = setInterval(() => void refresh(jobId), 2000);
    return () => {
      sub.unsubscribe();
      clearInterval(timer);
    };
  }, [jobId, ended]);

  async function refresh(jobId: string) {
    try {
      setJob(await api.bulkImport.status.query({ job_id: jobId }));
    } catch {
      // The next tick asks again.
    }
  }

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const url = text('url');
    if (!parseS3Url(url)) {
      setError('Give the bucket as s3://BUCKET/FOLDER (a bucket name in lowercase).');
      return;
    }
    const source: S3Source = {
      url,
      access_key_id: text('key'),
      secret_access_key: text('secret'),
      ...(text('endpoint') ? { endpoint: text('endpoint') } : {}),
      ...(text('region') ? { region: text('region') } : {}),
      ...(text('token') ? { session_token: text('token') } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const { job_id } = await api.bulkImport.init.mutate({ source: url, on_duplicate: 'skip' });
      const answer = await api.bulkImport.ingest.mutate({ job_id, source: { s3: source } });
      setJob(answer.job);
    } catch (e) {
      setError(describeApiError(e).message);
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" data-testid="bucket-open" onClick={() => setOpen(true)}>
        Import from a bucket
      </button>
    );
  }
  return (
    <section className="bucket" data-testid="bucket">
      <h2>Import from a bucket</h2>
      {job ? (
        <BucketJob job={job} />
      ) : (
        <form onSubmit={(e) => void start(e)} data-testid="bucket-form" autoComplete="off">
          <label>
            Bucket{' '}
            <input
              name="url"
              required
              placeholder="s3://my-samples/packs"
              data-testid="bucket-url"
            />
          </label>
          <label>
            Access key ID <input name="key" required data-testid="bucket-key" />
          </label>
          <label>
            Secret access key{' '}
            <input name="secret" type="password" required data-testid="bucket-secret" />
          </label>
          <details>
            <summary>More</summary>
            <label>
              Session token <input name="token" type="password" />
            </label>
            <label>
              Region <input name="region" placeholder="us-east-1" />
            </label>
            <label>
              Endpoint (MinIO and other S3-compatible stores){' '}
              <input
                name="endpoint"
                placeholder="https://minio.example:9000"
                data-testid="bucket-endpoint"
              />
            </label>
          </details>
          <p className="muted">
            The server reads the bucket itself. Your credentials are used for this import only, kept
            encrypted and forgotten when it ends.
          </p>
          {error && (
            <p className="banner error" role="alert" data-testid="bucket-error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy} data-testid="bucket-start">
            {busy ? 'Checking the bucket…' : 'Import'}
          </button>
        </form>
      )}
    </section>
  );
}
