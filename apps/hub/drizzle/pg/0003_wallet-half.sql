CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"session" text,
	"reference" text,
	"wallet_id" text,
	"card_id" text,
	"asset_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"status" text NOT NULL,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"created_at" text NOT NULL,
	"credited_at" text,
	"request_id" text,
	CONSTRAINT "payments_session_unique" UNIQUE("session"),
	CONSTRAINT "payments_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "payout_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" text NOT NULL,
	"approved_by" text NOT NULL,
	"file" text,
	"sent_at" text
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"wallet_id" text NOT NULL,
	"card_id" text,
	"asset_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"iban" text NOT NULL,
	"holder" text NOT NULL,
	"status" text NOT NULL,
	"batch_id" text,
	"requested_at" text NOT NULL,
	"request_id" text,
	CONSTRAINT "payouts_status_check" CHECK ("status" in ('requested', 'approved', 'paid', 'refused'))
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"hash" text NOT NULL,
	"received_at" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"result" text NOT NULL,
	CONSTRAINT "requests_idempotency" UNIQUE("source","actor","idempotency_key"),
	CONSTRAINT "requests_source_check" CHECK ("source" in ('operator', 'wallet', 'provider', 'api', 'hub')),
	CONSTRAINT "requests_status_check" CHECK ("status" in ('applied', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "operator_tokens" ADD COLUMN "role" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "operator_tokens" ADD COLUMN "revoked_at" text;--> statement-breakpoint
ALTER TABLE "transfers" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_batch_id_payout_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payout_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payments_wallet" ON "payments" USING btree ("wallet_id");--> statement-breakpoint
CREATE INDEX "payouts_batch" ON "payouts" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "payouts_status" ON "payouts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "requests_received" ON "requests" USING btree ("received_at");--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_tokens_label" ON "operator_tokens" USING btree ("label");--> statement-breakpoint
CREATE INDEX "transfers_request" ON "transfers" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "operator_tokens" ADD CONSTRAINT "operator_tokens_role_check" CHECK ("role" in ('admin', 'cashdesk', 'viewer'));