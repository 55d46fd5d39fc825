CREATE TABLE `melt_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`rule` text,
	`wallet_id` text NOT NULL,
	`since` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `melt_policies_asset` ON `melt_policies` (`asset_id`,`since`);--> statement-breakpoint
-- The migrator runs in one transaction, where foreign_keys=OFF is ignored: dropping
-- `transfers` while payment_refs points to it fails, even deferred. The references
-- are set aside while the table is rebuilt (to add MLT to its action CHECK), then put back.
CREATE TEMP TABLE `melting_payment_refs` AS SELECT * FROM `payment_refs`;--> statement-breakpoint
DELETE FROM `payment_refs`;--> statement-breakpoint
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
	CONSTRAINT "transfers_action_check" CHECK("action" in ('FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP', 'MLT'))
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
-- After transfers_id_unique: a reference needs its parent key unique.
INSERT INTO `payment_refs` (`ref`, `transfer_id`) SELECT `ref`, `transfer_id` FROM `melting_payment_refs`;--> statement-breakpoint
DROP TABLE `melting_payment_refs`;--> statement-breakpoint
ALTER TABLE `balances` ADD `active_at` text;--> statement-breakpoint
ALTER TABLE `balances` ADD `melted` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `balances_asset_active` ON `balances` (`asset_id`,`active_at`);