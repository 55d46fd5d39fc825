CREATE TABLE "time_rules" (
	"place_id" text PRIMARY KEY NOT NULL,
	"asset_id" text NOT NULL,
	"mode" text NOT NULL,
	"rounding_minutes" integer NOT NULL,
	"daily_cap_minutes" integer,
	"closing_time" text NOT NULL,
	"debounce_seconds" integer NOT NULL,
	"updated_at" text NOT NULL,
	CONSTRAINT "time_rules_mode_check" CHECK ("mode" in ('accrue', 'debit'))
);
--> statement-breakpoint
ALTER TABLE "transfers" DROP CONSTRAINT "transfers_action_check";--> statement-breakpoint
ALTER TABLE "time_rules" ADD CONSTRAINT "time_rules_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_rules" ADD CONSTRAINT "time_rules_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_action_check" CHECK ("action" in ('FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP'));