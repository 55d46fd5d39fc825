CREATE TABLE `time_rules` (
	`place_id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`mode` text NOT NULL,
	`rounding_minutes` integer NOT NULL,
	`daily_cap_minutes` integer,
	`closing_time` text NOT NULL,
	`debounce_seconds` integer NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "time_rules_mode_check" CHECK("mode" in ('accrue', 'debit'))
);
--> statement-breakpoint
-- The transfers table is rebuilt to widen its action CHECK (CMP). drizzle-kit's
-- rebuild relies on PRAGMA foreign_keys=OFF, which SQLite ignores inside the
-- migrator's transaction: dropping transfers would then fail on the payment_refs
-- rows that reference it. payment_refs is set aside in a table without a foreign
-- key and recreated after the rebuild, so no reference is ever dangling.
CREATE TABLE `__saved_payment_refs` (`ref` text NOT NULL, `transfer_id` text NOT NULL);--> statement-breakpoint
INSERT INTO `__saved_payment_refs` (`ref`, `transfer_id`) SELECT `ref`, `transfer_id` FROM `payment_refs`;--> statement-breakpoint
DROP TABLE `payment_refs`;--> statement-breakpoint
CREATE TABLE `__new_transfers` (
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
	`request_id` text,
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
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`block_height`) REFERENCES `blocks`(`height`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfers_action_check" CHECK("action" in ('FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP'))
);
--> statement-breakpoint
INSERT INTO `__new_transfers`("seq", "id", "action", "sender_wallet_id", "receiver_wallet_id", "asset_id", "amount", "card_id", "primary_card_id", "entry_id", "request_id", "at", "till_at", "meta", "hash", "block_height") SELECT "seq", "id", "action", "sender_wallet_id", "receiver_wallet_id", "asset_id", "amount", "card_id", "primary_card_id", "entry_id", "request_id", "at", "till_at", "meta", "hash", "block_height" FROM `transfers`;--> statement-breakpoint
DROP TABLE `transfers`;--> statement-breakpoint
ALTER TABLE `__new_transfers` RENAME TO `transfers`;--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_id_unique` ON `transfers` (`id`);--> statement-breakpoint
CREATE INDEX `transfers_sender` ON `transfers` (`sender_wallet_id`);--> statement-breakpoint
CREATE INDEX `transfers_receiver` ON `transfers` (`receiver_wallet_id`);--> statement-breakpoint
CREATE INDEX `transfers_entry` ON `transfers` (`entry_id`);--> statement-breakpoint
CREATE INDEX `transfers_request` ON `transfers` (`request_id`);--> statement-breakpoint
CREATE TABLE `payment_refs` (
	`ref` text PRIMARY KEY NOT NULL,
	`transfer_id` text NOT NULL,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_refs_transfer_id_unique` ON `payment_refs` (`transfer_id`);--> statement-breakpoint
INSERT INTO `payment_refs` (`ref`, `transfer_id`) SELECT `ref`, `transfer_id` FROM `__saved_payment_refs`;--> statement-breakpoint
DROP TABLE `__saved_payment_refs`;
