ALTER TABLE `deletions` ADD `version` integer;--> statement-breakpoint
CREATE INDEX `deletions_version_idx` ON `deletions` (`version`);--> statement-breakpoint
CREATE INDEX `actors_version_idx` ON `actors` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `casualty_version_idx` ON `casualty_reports` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `displacement_version_idx` ON `displacement_counts` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `events_version_idx` ON `events` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `places_version_idx` ON `places` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `sources_version_idx` ON `sources` (`version`,`id`);--> statement-breakpoint
CREATE INDEX `statements_version_idx` ON `statements` (`version`,`id`);--> statement-breakpoint
-- Tombstones made before this column existed take the version of their record's last deletion.
UPDATE `deletions` SET `version` = (SELECT max(r.`dataset_version`) FROM `revisions` r WHERE r.`record_type` = `deletions`.`record_type` AND r.`record_id` = `deletions`.`record_id` AND r.`operation` = 'delete');
