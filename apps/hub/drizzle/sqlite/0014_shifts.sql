CREATE TABLE `shifts` (
	`id` text PRIMARY KEY NOT NULL,
	`terminal_id` text NOT NULL,
	`place_id` text NOT NULL,
	`cashier` text NOT NULL,
	`open_seq` integer NOT NULL,
	`opened_at` text NOT NULL,
	`float` integer NOT NULL,
	`float_count` text,
	`close_seq` integer,
	`closed_at` text,
	`closed_by` text,
	`counted` integer,
	`count` text,
	`expected` integer,
	`till_expected` integer,
	`difference` integer,
	`alert_threshold` integer,
	`alert` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`terminal_id`) REFERENCES `terminals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shifts_place_opened` ON `shifts` (`place_id`,`opened_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `shifts_terminal_open_seq` ON `shifts` (`terminal_id`,`open_seq`);--> statement-breakpoint
ALTER TABLE `places` ADD `shift_alert_threshold` integer;