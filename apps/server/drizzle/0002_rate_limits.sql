CREATE TABLE "rate_limits" (
	"bucket" text NOT NULL,
	"window_seconds" integer NOT NULL,
	"full_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rate_limits_bucket_window_seconds_pk" PRIMARY KEY("bucket","window_seconds")
);
