CREATE TABLE "directory_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"token" text NOT NULL,
	CONSTRAINT "directory_version_singleton" CHECK ("id" = 1)
);
--> statement-breakpoint
INSERT INTO "directory_version" ("id", "token") VALUES (1, md5(random()::text || clock_timestamp()::text));
--> statement-breakpoint
CREATE FUNCTION "directory_touched"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "directory_version" SET "token" = md5(random()::text || clock_timestamp()::text); RETURN NULL; END $$;
--> statement-breakpoint
CREATE TRIGGER "directory_version_places" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "places" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_assets" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "assets" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_federations" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "federations" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_federation_places" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "federation_places" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_federation_assets" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "federation_assets" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_melt_policies" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "melt_policies" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_primary_wallet_insert" AFTER INSERT ON "wallets" FOR EACH ROW WHEN (NEW."kind" = 'primary') EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_primary_wallet_update" AFTER UPDATE ON "wallets" FOR EACH ROW WHEN (OLD."kind" = 'primary' OR NEW."kind" = 'primary') EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_primary_wallet_delete" AFTER DELETE ON "wallets" FOR EACH ROW WHEN (OLD."kind" = 'primary') EXECUTE FUNCTION "directory_touched"();
--> statement-breakpoint
CREATE TRIGGER "directory_version_wallets_truncate" AFTER TRUNCATE ON "wallets" FOR EACH STATEMENT EXECUTE FUNCTION "directory_touched"();
