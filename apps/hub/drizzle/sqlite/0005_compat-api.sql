CREATE TABLE `compat_api_keys` (
	`prefix` text PRIMARY KEY NOT NULL,
	`hashed_key` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`place_id` text,
	`user_id` text,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "compat_api_keys_kind_check" CHECK("kind" in ('root', 'place', 'temp'))
);
--> statement-breakpoint
CREATE INDEX `compat_api_keys_place` ON `compat_api_keys` (`place_id`);--> statement-breakpoint
CREATE TABLE `compat_dedup_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`transfer_id` text NOT NULL,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `compat_places` (
	`place_id` text PRIMARY KEY NOT NULL,
	`lespass_domain` text,
	`cashless_rsa_pub_key` text,
	`cashless_ip` text,
	`cashless_url` text,
	`cashless_admin_apikey_hash` text,
	`dokos_id` text,
	`handshake_at` text,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `compat_tokens` (
	`uuid` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`asset_id` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `compat_tokens_wallet_asset` ON `compat_tokens` (`wallet_id`,`asset_id`);--> statement-breakpoint
CREATE TABLE `compat_transactions` (
	`transfer_id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`metadata` text,
	`comment` text,
	`subscription_start` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `compat_transactions_hash_unique` ON `compat_transactions` (`hash`);--> statement-breakpoint
CREATE TABLE `compat_wallet_keys` (
	`wallet_id` text PRIMARY KEY NOT NULL,
	`public_pem` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action
);
