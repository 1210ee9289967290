DROP INDEX `events_start_brief_idx`;--> statement-breakpoint
CREATE INDEX `events_start_brief_idx` ON `events` (`start_utc`,`id`,`brief_json`) WHERE brief_json IS NOT NULL;