ALTER TABLE "audio_files" ADD COLUMN "fp_duration_ms" double precision;--> statement-breakpoint
ALTER TABLE "audio_files" ADD COLUMN "fp_edge_ms" double precision;--> statement-breakpoint
ALTER TABLE "audio_files" ADD COLUMN "fp_profile" text;--> statement-breakpoint
ALTER TABLE "import_entries" ADD COLUMN "fp_duration_ms" double precision;--> statement-breakpoint
ALTER TABLE "import_entries" ADD COLUMN "fp_edge_ms" double precision;--> statement-breakpoint
ALTER TABLE "import_entries" ADD COLUMN "fp_profile" text;--> statement-breakpoint
CREATE INDEX "audio_files_fp_duration_idx" ON "audio_files" USING btree ("owner_id","fp_duration_ms");--> statement-breakpoint
CREATE INDEX "audio_files_fp_edge_idx" ON "audio_files" USING btree ("owner_id","fp_edge_ms");--> statement-breakpoint
CREATE INDEX "import_entries_fp_duration_idx" ON "import_entries" USING btree ("job_id","fp_duration_ms");--> statement-breakpoint
CREATE INDEX "import_entries_fp_edge_idx" ON "import_entries" USING btree ("job_id","fp_edge_ms");