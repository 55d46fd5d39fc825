CREATE TABLE "compat_aliases" (
	"alias" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target_id" text NOT NULL,
	CONSTRAINT "compat_aliases_kind_check" CHECK ("kind" in ('asset', 'wallet'))
);
