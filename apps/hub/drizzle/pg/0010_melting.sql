CREATE TABLE "melt_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"asset_id" text NOT NULL,
	"rule" text,
	"wallet_id" text NOT NULL,
	"since" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "transfers" DROP CONSTRAINT "transfers_action_check";--> statement-breakpoint
ALTER TABLE "balances" ADD COLUMN "active_at" text;--> statement-breakpoint
ALTER TABLE "balances" ADD COLUMN "melted" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "melt_policies" ADD CONSTRAINT "melt_policies_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "melt_policies" ADD CONSTRAINT "melt_policies_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "melt_policies_asset" ON "melt_policies" USING btree ("asset_id","since");--> statement-breakpoint
CREATE INDEX "balances_asset_active" ON "balances" USING btree ("asset_id","active_at");--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_action_check" CHECK ("action" in ('FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP', 'MLT'));