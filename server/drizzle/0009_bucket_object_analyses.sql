CREATE TABLE "bucket_object_analyses" (
	"owner_id" uuid NOT NULL,
	"endpoint" text NOT NULL,
	"bucket" text NOT NULL,
	"key" text NOT NULL,
	"etag" text NOT NULL,
	"entry" jsonb,
	"analysed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bucket_object_analyses_owner_id_endpoint_bucket_key_etag_pk" PRIMARY KEY("owner_id","endpoint","bucket","key","etag")
);
--> statement-breakpoint
ALTER TABLE "bucket_object_analyses" ADD CONSTRAINT "bucket_object_analyses_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;