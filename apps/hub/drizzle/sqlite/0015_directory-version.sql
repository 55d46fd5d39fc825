CREATE TABLE `directory_version` (
	`id` integer PRIMARY KEY DEFAULT 1 NOT NULL,
	`token` text NOT NULL,
	CONSTRAINT "directory_version_singleton" CHECK("id" = 1)
);
--> statement-breakpoint
INSERT INTO `directory_version` (`id`, `token`) VALUES (1, lower(hex(randomblob(16))));
--> statement-breakpoint
CREATE TRIGGER `directory_version_places_insert` AFTER INSERT ON `places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_places_update` AFTER UPDATE ON `places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_places_delete` AFTER DELETE ON `places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_assets_insert` AFTER INSERT ON `assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_assets_update` AFTER UPDATE ON `assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_assets_delete` AFTER DELETE ON `assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federations_insert` AFTER INSERT ON `federations` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federations_update` AFTER UPDATE ON `federations` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federations_delete` AFTER DELETE ON `federations` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_places_insert` AFTER INSERT ON `federation_places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_places_update` AFTER UPDATE ON `federation_places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_places_delete` AFTER DELETE ON `federation_places` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_assets_insert` AFTER INSERT ON `federation_assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_assets_update` AFTER UPDATE ON `federation_assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_federation_assets_delete` AFTER DELETE ON `federation_assets` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_melt_policies_insert` AFTER INSERT ON `melt_policies` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_melt_policies_update` AFTER UPDATE ON `melt_policies` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_melt_policies_delete` AFTER DELETE ON `melt_policies` BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_primary_wallet_insert` AFTER INSERT ON `wallets` WHEN NEW.`kind` = 'primary' BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_primary_wallet_update` AFTER UPDATE ON `wallets` WHEN OLD.`kind` = 'primary' OR NEW.`kind` = 'primary' BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
--> statement-breakpoint
CREATE TRIGGER `directory_version_primary_wallet_delete` AFTER DELETE ON `wallets` WHEN OLD.`kind` = 'primary' BEGIN UPDATE `directory_version` SET `token` = lower(hex(randomblob(16))); END;
