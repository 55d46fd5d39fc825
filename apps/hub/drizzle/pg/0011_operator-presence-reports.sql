CREATE TABLE "till_presence" (
	"terminal_id" text PRIMARY KEY NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" text NOT NULL,
	"connected_at" text NOT NULL,
	"last_message_at" text NOT NULL,
	"lag_entries" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "till_presence" ADD CONSTRAINT "till_presence_terminal_id_terminals_id_fk" FOREIGN KEY ("terminal_id") REFERENCES "public"."terminals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfers_at" ON "transfers" USING btree ("at");