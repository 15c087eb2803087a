CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audio_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"fingerprint" jsonb,
	"fingerprint_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"duration_s" double precision,
	"bpm" double precision,
	"bpm_confidence" double precision,
	"key" text,
	"key_confidence" double precision,
	"kind" text,
	"loudness_lufs" double precision,
	"peak_dbfs" double precision,
	"sample_rate" integer,
	"channels" integer,
	"format" text,
	"size_bytes" bigint NOT NULL,
	"original_path" text NOT NULL,
	"object_key" text NOT NULL,
	"job_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"job_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"path" text NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"retryable" boolean DEFAULT false NOT NULL,
	"on_duplicate" text,
	"content_hash" text,
	"size_bytes" bigint,
	"fingerprint" jsonb,
	"fingerprint_keys" text[],
	"analysis" jsonb,
	"duplicate_of_asset_id" uuid,
	"duplicate_of_entry_id" uuid,
	"duplicate_match" text,
	"duplicate_of_path" text,
	"asset_id" uuid,
	"upload_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"source" text,
	"on_duplicate" text DEFAULT 'skip' NOT NULL,
	"manifest_closed" boolean DEFAULT false NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"processing" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"error_log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"quota_bytes" bigint,
	"quota_files" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audio_files" ADD CONSTRAINT "audio_files_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audio_files" ADD CONSTRAINT "audio_files_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_entries" ADD CONSTRAINT "import_entries_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_entries" ADD CONSTRAINT "import_entries_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "audio_files_owner_hash_key" ON "audio_files" USING btree ("owner_id","content_hash");--> statement-breakpoint
CREATE INDEX "audio_files_fp_keys_idx" ON "audio_files" USING gin ("fingerprint_keys");--> statement-breakpoint
CREATE INDEX "audio_files_owner_created_idx" ON "audio_files" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "import_entries_job_path_key" ON "import_entries" USING btree ("job_id","path");--> statement-breakpoint
CREATE INDEX "import_entries_job_state_idx" ON "import_entries" USING btree ("job_id","state");--> statement-breakpoint
CREATE INDEX "import_entries_job_hash_idx" ON "import_entries" USING btree ("job_id","content_hash");--> statement-breakpoint
CREATE INDEX "import_entries_fp_keys_idx" ON "import_entries" USING gin ("fingerprint_keys");--> statement-breakpoint
CREATE UNIQUE INDEX "import_entries_upload_key" ON "import_entries" USING btree ("upload_id");--> statement-breakpoint
CREATE INDEX "import_jobs_owner_idx" ON "import_jobs" USING btree ("owner_id","created_at");