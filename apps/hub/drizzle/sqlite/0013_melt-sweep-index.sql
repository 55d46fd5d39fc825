DROP INDEX `balances_asset_active`;--> statement-breakpoint
CREATE INDEX `balances_asset_inactive` ON `balances` (`asset_id`,`active_at`,`wallet_id`);