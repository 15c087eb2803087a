import type { JobDelivery } from './job-delivery.js';
import { sendsManifest, type ResumePlan, type ResumeTarget } from './resume-plan.js';

/** What the importer gives the delivery of a resumed plan. */
export interface PlanPorts {
  /** The job the entries go to: the target's, or one made now (before the first call). */
  job(): Promise<string>;
  /** Once the job is known: the importer follows its live events. */
  follow?(jobId: string): void;
}

/**
 * Delivers what a resumed plan (planResume, its `send` in manifest order: copiesTogether) leaves
 * to do, as every importer does it: the files
 * the job waits for go in line first (resuming from their saved URLs), then, when the run makes
 * manifest calls (sendsManifest), the entries to send go to the job, their new sounds uploading
 * as each batch is answered; resolves once every upload has ended or the delivery was stopped.
 * @throws what making the job, an ingest call or an upload threw (the uploads in line end first).
 */
export async function deliverPlan(
  delivery: JobDelivery,
  plan: ResumePlan<string>,
  target: ResumeTarget,
  ports: PlanPorts,
): Promise<void> {
  for (const key of plan.upload) delivery.upload(key);
  if (!sendsManifest(plan, target)) {
    if (target.jobId) ports.follow?.(target.jobId);
    return delivery.deliver(null);
  }
  const jobId = await ports.job().catch(async (error: unknown) => {
    await delivery.deliver(null);
    throw error;
  });
  ports.follow?.(jobId);
  await delivery.deliver({ jobId, keys: plan.send });
}
