CREATE TABLE "bucket_objects" (
	"job_id" uuid NOT NULL,
	"key" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"etag" text NOT NULL,
	"taken" boolean DEFAULT false NOT NULL,
	CONSTRAINT "bucket_objects_job_id_key_pk" PRIMARY KEY("job_id","key")
);
--> statement-breakpoint
CREATE TABLE "bucket_sources" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"bucket" text NOT NULL,
	"prefix" text NOT NULL,
	"endpoint" text,
	"region" text NOT NULL,
	"credentials" text,
	"next_token" text,
	"listed" integer DEFAULT 0 NOT NULL,
	"listing_done" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bucket_objects" ADD CONSTRAINT "bucket_objects_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_sources" ADD CONSTRAINT "bucket_sources_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bucket_sources" ADD CONSTRAINT "bucket_sources_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bucket_objects_waiting_idx" ON "bucket_objects" USING btree ("job_id") WHERE not "bucket_objects"."taken";