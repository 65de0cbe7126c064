-- Storage v2. Runs only on an empty v1 database: the server refuses to start on one that holds
-- workspaces (src/store/Migrations.ts), so these changes never meet a row.
CREATE TABLE "blobs" (
	"workspace_id" uuid NOT NULL,
	"id" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blobs_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "snapshots" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "snapshots" CASCADE;--> statement-breakpoint
DROP INDEX "pairings_workspace_idx";--> statement-breakpoint
DROP INDEX "tokens_workspace_idx";--> statement-breakpoint
ALTER TABLE "pairings" DROP CONSTRAINT "pairings_pkey";--> statement-breakpoint
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_pkey";--> statement-breakpoint
ALTER TABLE "pairings" ADD CONSTRAINT "pairings_workspace_id_code_hash_pk" PRIMARY KEY("workspace_id","code_hash");--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_workspace_id_id_pk" PRIMARY KEY("workspace_id","id");--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "key" "bytea" NOT NULL;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "kind" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "digest" "bytea" NOT NULL;--> statement-breakpoint
ALTER TABLE "changes" ADD COLUMN "size" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "pairings" ADD COLUMN "created_by_token" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "change_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "blobs" ADD CONSTRAINT "blobs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "changes_key_idx" ON "changes" USING btree ("workspace_id","key","seq");--> statement-breakpoint
ALTER TABLE "pairings" DROP COLUMN "created_by";--> statement-breakpoint
ALTER TABLE "workspaces" DROP COLUMN "snapshot_seq";