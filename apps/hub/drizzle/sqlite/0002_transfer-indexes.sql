-- Nothing reads transfers by card, and blocks are counted over their seq range:
-- two indexes fewer to keep up on every transfer ingest writes (docs/PERFORMANCE.md).
DROP INDEX `transfers_card`;--> statement-breakpoint
DROP INDEX `transfers_block`;