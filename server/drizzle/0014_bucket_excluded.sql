ALTER TABLE "bucket_sources" ADD COLUMN "excluded" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bucket_sources" ADD COLUMN "excluded_sample" jsonb DEFAULT '[]'::jsonb NOT NULL;