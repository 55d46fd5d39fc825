CREATE TABLE "shifts" (
	"id" text PRIMARY KEY NOT NULL,
	"terminal_id" text NOT NULL,
	"place_id" text NOT NULL,
	"cashier" text NOT NULL,
	"open_seq" bigint NOT NULL,
	"opened_at" text NOT NULL,
	"float" bigint NOT NULL,
	"float_count" text,
	"close_seq" bigint,
	"closed_at" text,
	"closed_by" text,
	"counted" bigint,
	"count" text,
	"expected" bigint,
	"till_expected" bigint,
	"difference" bigint,
	"alert_threshold" bigint,
	"alert" boolean DEFAULT false NOT NULL,
	CONSTRAINT "shifts_terminal_open_seq" UNIQUE("terminal_id","open_seq")
);
--> statement-breakpoint
ALTER TABLE "places" ADD COLUMN "shift_alert_threshold" bigint;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_terminal_id_terminals_id_fk" FOREIGN KEY ("terminal_id") REFERENCES "public"."terminals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shifts_place_opened" ON "shifts" USING btree ("place_id","opened_at");