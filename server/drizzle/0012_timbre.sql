ALTER TABLE "audio_files" ADD COLUMN "timbre" text;--> statement-breakpoint
ALTER TABLE "audio_files" ADD COLUMN "timbre_cell" smallint;--> statement-breakpoint
CREATE INDEX "audio_files_owner_timbre_cell_idx" ON "audio_files" USING btree ("owner_id","timbre_cell");--> statement-breakpoint
CREATE INDEX "audio_files_timbre_missing_idx" ON "audio_files" USING btree ("id") WHERE "audio_files"."timbre" is null and "audio_files"."fingerprint" is not null;