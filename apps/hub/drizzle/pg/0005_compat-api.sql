CREATE TABLE "compat_api_keys" (
	"prefix" text PRIMARY KEY NOT NULL,
	"hashed_key" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"place_id" text,
	"user_id" text,
	"created_at" text NOT NULL,
	"revoked_at" text,
	CONSTRAINT "compat_api_keys_kind_check" CHECK ("kind" in ('root', 'place', 'temp'))
);
--> statement-breakpoint
CREATE TABLE "compat_dedup_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"transfer_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compat_places" (
	"place_id" text PRIMARY KEY NOT NULL,
	"lespass_domain" text,
	"cashless_rsa_pub_key" text,
	"cashless_ip" text,
	"cashless_url" text,
	"cashless_admin_apikey_hash" text,
	"dokos_id" text,
	"handshake_at" text
);
--> statement-breakpoint
CREATE TABLE "compat_tokens" (
	"uuid" text PRIMARY KEY NOT NULL,
	"wallet_id" text NOT NULL,
	"asset_id" text NOT NULL,
	CONSTRAINT "compat_tokens_wallet_asset" UNIQUE("wallet_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "compat_transactions" (
	"transfer_id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"metadata" text,
	"comment" text,
	"subscription_start" text,
	"created_at" text NOT NULL,
	CONSTRAINT "compat_transactions_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "compat_wallet_keys" (
	"wallet_id" text PRIMARY KEY NOT NULL,
	"public_pem" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "compat_api_keys" ADD CONSTRAINT "compat_api_keys_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_api_keys" ADD CONSTRAINT "compat_api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_dedup_keys" ADD CONSTRAINT "compat_dedup_keys_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_places" ADD CONSTRAINT "compat_places_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_tokens" ADD CONSTRAINT "compat_tokens_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_tokens" ADD CONSTRAINT "compat_tokens_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_transactions" ADD CONSTRAINT "compat_transactions_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compat_wallet_keys" ADD CONSTRAINT "compat_wallet_keys_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compat_api_keys_place" ON "compat_api_keys" USING btree ("place_id");