DROP INDEX `casualty_event_idx`;--> statement-breakpoint
CREATE INDEX `casualty_event_idx` ON `casualty_reports` (`event_id`,`id`,`outcome`,`victim_group`,`low`,`high`,`best`,`qualifier`,`reported_phrase`,`updated_at`);--> statement-breakpoint
CREATE INDEX `actors_link_idx` ON `actors` (`id`,`name`,`kind`);--> statement-breakpoint
CREATE INDEX `places_brief_idx` ON `places` (`id`,`name`,`kind`,`latitude`,`longitude`,`country_code`,`parent_id`);