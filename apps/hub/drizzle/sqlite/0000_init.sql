CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`currency_code` text NOT NULL,
	`category` text NOT NULL,
	`decimals` integer NOT NULL,
	`origin_wallet_id` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`membership_days` integer,
	FOREIGN KEY (`origin_wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "assets_category_check" CHECK("category" in ('FED', 'TLF', 'TNF', 'TIM', 'FID', 'BDG', 'SUB'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_one_fed` ON `assets` (`category`) WHERE "category" = 'FED';--> statement-breakpoint
CREATE UNIQUE INDEX `assets_origin_name` ON `assets` (`origin_wallet_id`,`name`);--> statement-breakpoint
CREATE TABLE `balances` (
	`wallet_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`wallet_id`, `asset_id`),
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `balances_asset` ON `balances` (`asset_id`);--> statement-breakpoint
CREATE TABLE `blocks` (
	`height` integer PRIMARY KEY NOT NULL,
	`prev` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`head` text NOT NULL,
	`sealed_at` text NOT NULL,
	`hash` text NOT NULL,
	`sig` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocks_hash_unique` ON `blocks` (`hash`);--> statement-breakpoint
CREATE TABLE `card_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`place_id` text,
	`generation` integer DEFAULT 1 NOT NULL,
	`label` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `card_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`card_id` text NOT NULL,
	`changed_at` text NOT NULL,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_changes_card` ON `card_changes` (`card_id`);--> statement-breakpoint
CREATE TABLE `card_primary_places` (
	`card_id` text NOT NULL,
	`place_id` text NOT NULL,
	PRIMARY KEY(`card_id`, `place_id`),
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_primary_places_place` ON `card_primary_places` (`place_id`);--> statement-breakpoint
CREATE TABLE `cards` (
	`id` text PRIMARY KEY NOT NULL,
	`first_tag_id` text NOT NULL,
	`uid` text,
	`qrcode` text,
	`number_printed` text,
	`batch_id` text,
	`user_id` text,
	`ephemeral_wallet_id` text,
	`lost_at` text,
	FOREIGN KEY (`batch_id`) REFERENCES `card_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ephemeral_wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_first_tag_id_unique` ON `cards` (`first_tag_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_uid_unique` ON `cards` (`uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_qrcode_unique` ON `cards` (`qrcode`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_number_printed_unique` ON `cards` (`number_printed`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_ephemeral_wallet_id_unique` ON `cards` (`ephemeral_wallet_id`);--> statement-breakpoint
CREATE INDEX `cards_user` ON `cards` (`user_id`);--> statement-breakpoint
CREATE TABLE `entries` (
	`id` text PRIMARY KEY NOT NULL,
	`terminal_id` text NOT NULL,
	`seq` integer NOT NULL,
	`prev` text NOT NULL,
	`hash` text NOT NULL,
	`sig` text NOT NULL,
	`body` text NOT NULL,
	`received_at` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	FOREIGN KEY (`terminal_id`) REFERENCES `terminals`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "entries_status_check" CHECK("status" in ('applied', 'rejected'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entries_terminal_seq` ON `entries` (`terminal_id`,`seq`);--> statement-breakpoint
CREATE TABLE `federation_assets` (
	`federation_id` text NOT NULL,
	`asset_id` text NOT NULL,
	PRIMARY KEY(`federation_id`, `asset_id`),
	FOREIGN KEY (`federation_id`) REFERENCES `federations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `federation_assets_asset` ON `federation_assets` (`asset_id`);--> statement-breakpoint
CREATE TABLE `federation_places` (
	`federation_id` text NOT NULL,
	`place_id` text NOT NULL,
	PRIMARY KEY(`federation_id`, `place_id`),
	FOREIGN KEY (`federation_id`) REFERENCES `federations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `federation_places_place` ON `federation_places` (`place_id`);--> statement-breakpoint
CREATE TABLE `federations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `federations_name_unique` ON `federations` (`name`);--> statement-breakpoint
CREATE TABLE `hub_identity` (
	`id` integer PRIMARY KEY DEFAULT 1 NOT NULL,
	`public_key` text NOT NULL,
	`genesis` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "hub_identity_singleton" CHECK("id" = 1)
);
--> statement-breakpoint
CREATE TABLE `memberships` (
	`wallet_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`start` text NOT NULL,
	`valid_until` text NOT NULL,
	PRIMARY KEY(`wallet_id`, `asset_id`),
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `operator_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pairing_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`place_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`terminal_id` text,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`terminal_id`) REFERENCES `terminals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `payment_refs` (
	`ref` text PRIMARY KEY NOT NULL,
	`transfer_id` text NOT NULL,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_refs_transfer_id_unique` ON `payment_refs` (`transfer_id`);--> statement-breakpoint
CREATE TABLE `places` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`wallet_id` text NOT NULL,
	`enroll_unknown_cards` integer DEFAULT false NOT NULL,
	`offline_policy` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `places_name_unique` ON `places` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `places_wallet_id_unique` ON `places` (`wallet_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`place_id` text NOT NULL,
	`label` text NOT NULL,
	`price` integer NOT NULL,
	`asset_id` text NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `products_place` ON `products` (`place_id`);--> statement-breakpoint
CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`terminal_id` text NOT NULL,
	`seq` integer NOT NULL,
	`entry_id` text NOT NULL,
	`body` text NOT NULL,
	`hash` text NOT NULL,
	`sig` text NOT NULL,
	`reason` text NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`terminal_id`) REFERENCES `terminals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quarantine_terminal_seq` ON `quarantine` (`terminal_id`,`seq`);--> statement-breakpoint
CREATE TABLE `terminals` (
	`id` text PRIMARY KEY NOT NULL,
	`place_id` text NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`genesis` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`last_hash` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`last_seen_at` text,
	`policy_overrides` text,
	`created_at` text NOT NULL,
	`rejected_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "terminals_status_check" CHECK("status" in ('active', 'frozen', 'revoked'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `terminals_public_key_unique` ON `terminals` (`public_key`);--> statement-breakpoint
CREATE INDEX `terminals_place` ON `terminals` (`place_id`);--> statement-breakpoint
CREATE TABLE `transfers` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`action` text NOT NULL,
	`sender_wallet_id` text NOT NULL,
	`receiver_wallet_id` text NOT NULL,
	`asset_id` text NOT NULL,
	`amount` integer NOT NULL,
	`card_id` text,
	`primary_card_id` text,
	`entry_id` text,
	`at` text NOT NULL,
	`till_at` text,
	`meta` text,
	`hash` text,
	`block_height` integer,
	FOREIGN KEY (`sender_wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`receiver_wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`primary_card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`block_height`) REFERENCES `blocks`(`height`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfers_action_check" CHECK("action" in ('FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_id_unique` ON `transfers` (`id`);--> statement-breakpoint
CREATE INDEX `transfers_sender` ON `transfers` (`sender_wallet_id`);--> statement-breakpoint
CREATE INDEX `transfers_receiver` ON `transfers` (`receiver_wallet_id`);--> statement-breakpoint
CREATE INDEX `transfers_card` ON `transfers` (`card_id`);--> statement-breakpoint
CREATE INDEX `transfers_entry` ON `transfers` (`entry_id`);--> statement-breakpoint
CREATE INDEX `transfers_block` ON `transfers` (`block_height`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`wallet_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_email_lowercase" CHECK("email" = lower("email"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_wallet_id_unique` ON `users` (`wallet_id`);--> statement-breakpoint
CREATE TABLE `verify_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`ok` integer,
	`first_discrepancy` text,
	`transfers_checked` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`public_key` text,
	CONSTRAINT "wallets_kind_check" CHECK("kind" in ('user', 'place', 'primary', 'ephemeral'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallets_public_key_unique` ON `wallets` (`public_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `wallets_one_primary` ON `wallets` (`kind`) WHERE "kind" = 'primary';