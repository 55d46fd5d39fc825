CREATE TABLE `till_presence` (
	`terminal_id` text PRIMARY KEY NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_at` text NOT NULL,
	`connected_at` text NOT NULL,
	`last_message_at` text NOT NULL,
	`lag_entries` integer NOT NULL,
	FOREIGN KEY (`terminal_id`) REFERENCES `terminals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `transfers_at` ON `transfers` (`at`);