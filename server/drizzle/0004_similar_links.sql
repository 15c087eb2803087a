CREATE TABLE "audio_file_similar" (
	"owner_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"similar_asset_id" uuid NOT NULL,
	"similarity" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audio_file_similar_asset_id_similar_asset_id_pk" PRIMARY KEY("asset_id","similar_asset_id"),
	CONSTRAINT "audio_file_similar_not_self" CHECK ("audio_file_similar"."asset_id" <> "audio_file_similar"."similar_asset_id")
);
--> statement-breakpoint
CREATE TABLE "import_entry_similar" (
	"entry_id" uuid NOT NULL,
	"similar_entry_id" uuid,
	"similar_asset_id" uuid,
	"similarity" double precision NOT NULL,
	CONSTRAINT "import_entry_similar_one_target" CHECK (num_nonnulls("import_entry_similar"."similar_entry_id", "import_entry_similar"."similar_asset_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "similar" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audio_file_similar" ADD CONSTRAINT "audio_file_similar_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audio_file_similar" ADD CONSTRAINT "audio_file_similar_asset_id_audio_files_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."audio_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audio_file_similar" ADD CONSTRAINT "audio_file_similar_similar_asset_id_audio_files_id_fk" FOREIGN KEY ("similar_asset_id") REFERENCES "public"."audio_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_entry_similar" ADD CONSTRAINT "import_entry_similar_entry_id_import_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."import_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_entry_similar" ADD CONSTRAINT "import_entry_similar_similar_entry_id_import_entries_id_fk" FOREIGN KEY ("similar_entry_id") REFERENCES "public"."import_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_entry_similar" ADD CONSTRAINT "import_entry_similar_similar_asset_id_audio_files_id_fk" FOREIGN KEY ("similar_asset_id") REFERENCES "public"."audio_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audio_file_similar_similar_idx" ON "audio_file_similar" USING btree ("similar_asset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_entry_similar_entry_key" ON "import_entry_similar" USING btree ("entry_id","similar_entry_id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_entry_similar_asset_key" ON "import_entry_similar" USING btree ("entry_id","similar_asset_id");--> statement-breakpoint
CREATE INDEX "import_entry_similar_target_idx" ON "import_entry_similar" USING btree ("similar_entry_id");--> statement-breakpoint
CREATE INDEX "import_entry_similar_asset_idx" ON "import_entry_similar" USING btree ("similar_asset_id");