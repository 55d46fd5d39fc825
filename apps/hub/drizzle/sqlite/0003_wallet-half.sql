CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`session` text,
	`reference` text,
	`wallet_id` text,
	`card_id` text,
	`asset_id` text NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`refunded` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`credited_at` text,
	`request_id` text,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_session_unique` ON `payments` (`session`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_reference_unique` ON `payments` (`reference`);--> statement-breakpoint
CREATE INDEX `payments_wallet` ON `payments` (`wallet_id`);--> statement-breakpoint
CREATE TABLE `payout_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`approved_by` text NOT NULL,
	`file` text,
	`sent_at` text
);
--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`wallet_id` text NOT NULL,
	`card_id` text,
	`asset_id` text NOT NULL,
	`amount` integer NOT NULL,
	`iban` text NOT NULL,
	`holder` text NOT NULL,
	`status` text NOT NULL,
	`batch_id` text,
	`requested_at` text NOT NULL,
	`request_id` text,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `payout_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payouts_status_check" CHECK("status" in ('requested', 'approved', 'paid', 'refused'))
);
--> statement-breakpoint
CREATE INDEX `payouts_batch` ON `payouts` (`batch_id`);--> statement-breakpoint
CREATE INDEX `payouts_status` ON `payouts` (`status`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`actor` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`hash` text NOT NULL,
	`received_at` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`result` text NOT NULL,
	CONSTRAINT "requests_source_check" CHECK("source" in ('operator', 'wallet', 'provider', 'api', 'hub')),
	CONSTRAINT "requests_status_check" CHECK("status" in ('applied', 'rejected'))
);
--> statement-breakpoint
CREATE INDEX `requests_received` ON `requests` (`received_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `requests_idempotency` ON `requests` (`source`,`actor`,`idempotency_key`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_operator_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`created_at` text NOT NULL,
	`role` text DEFAULT 'admin' NOT NULL,
	`revoked_at` text,
	CONSTRAINT "operator_tokens_role_check" CHECK("role" in ('admin', 'cashdesk', 'viewer'))
);
--> statement-breakpoint
INSERT INTO `__new_operator_tokens`("hash", "label", "created_at", "role", "revoked_at") SELECT "hash", "label", "created_at", 'admin', NULL FROM `operator_tokens`;--> statement-breakpoint
DROP TABLE `operator_tokens`;--> statement-breakpoint
ALTER TABLE `__new_operator_tokens` RENAME TO `operator_tokens`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `operator_tokens_label` ON `operator_tokens` (`label`);--> statement-breakpoint
ALTER TABLE `transfers` ADD `request_id` text REFERENCES requests(id);--> statement-breakpoint
CREATE INDEX `transfers_request` ON `transfers` (`request_id`);