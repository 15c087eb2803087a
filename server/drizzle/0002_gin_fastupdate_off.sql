DROP INDEX "audio_files_fp_keys_idx";--> statement-breakpoint
DROP INDEX "import_entries_fp_keys_idx";--> statement-breakpoint
CREATE INDEX "audio_files_owner_updated_idx" ON "audio_files" USING btree ("owner_id","updated_at");--> statement-breakpoint
CREATE INDEX "audio_files_fp_keys_idx" ON "audio_files" USING gin ("fingerprint_keys") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "import_entries_fp_keys_idx" ON "import_entries" USING gin ("fingerprint_keys") WITH (fastupdate=false);