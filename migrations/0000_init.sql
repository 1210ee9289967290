CREATE TABLE `actors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`kind` text NOT NULL,
	`affiliation_id` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`affiliation_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `actors_kind_idx` ON `actors` (`kind`,`name`);--> statement-breakpoint
CREATE INDEX `actors_affiliation_idx` ON `actors` (`affiliation_id`);--> statement-breakpoint
CREATE INDEX `actors_name_idx` ON `actors` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `actors_updated_idx` ON `actors` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `casualty_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`outcome` text NOT NULL,
	`victim_group` text NOT NULL,
	`low` integer,
	`high` integer,
	`best` integer,
	`qualifier` text NOT NULL,
	`reported_phrase` text NOT NULL,
	`reported_by_id` text,
	`victim_actor_id` text,
	`perpetrator_actor_id` text,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`victim_actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`perpetrator_actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `casualty_event_idx` ON `casualty_reports` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `casualty_outcome_idx` ON `casualty_reports` (`outcome`,`victim_group`,`id`);--> statement-breakpoint
CREATE INDEX `casualty_updated_idx` ON `casualty_reports` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `citations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_type` text NOT NULL,
	`record_id` text NOT NULL,
	`source_id` text NOT NULL,
	`paragraph` integer,
	`locator` text NOT NULL,
	`quote` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `citations_record_idx` ON `citations` (`record_type`,`record_id`,`paragraph`);--> statement-breakpoint
CREATE INDEX `citations_source_idx` ON `citations` (`source_id`);--> statement-breakpoint
CREATE TABLE `dataset_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deletions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_type` text NOT NULL,
	`record_id` text NOT NULL,
	`deleted_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deletions_at_idx` ON `deletions` (`deleted_at`,`id`);--> statement-breakpoint
CREATE TABLE `displacement_counts` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text,
	`metric` text NOT NULL,
	`low` integer,
	`high` integer,
	`best` integer,
	`qualifier` text NOT NULL,
	`reported_phrase` text NOT NULL,
	`origin_place_id` text,
	`destination_place_id` text,
	`as_of` text NOT NULL,
	`as_of_utc` text NOT NULL,
	`as_of_precision` text NOT NULL,
	`as_of_basis` text NOT NULL,
	`as_of_note` text,
	`reported_by_id` text,
	`relayed_by_id` text,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`origin_place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`destination_place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`relayed_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `displacement_as_of_idx` ON `displacement_counts` (`as_of_utc`,`id`);--> statement-breakpoint
CREATE INDEX `displacement_metric_idx` ON `displacement_counts` (`metric`,`as_of_utc`,`id`);--> statement-breakpoint
CREATE INDEX `displacement_event_idx` ON `displacement_counts` (`event_id`);--> statement-breakpoint
CREATE INDEX `displacement_updated_idx` ON `displacement_counts` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `event_actors` (
	`event_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`event_id`, `actor_id`, `role`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_actors_actor_idx` ON `event_actors` (`actor_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`type` text NOT NULL,
	`start` text NOT NULL,
	`start_utc` text NOT NULL,
	`end` text,
	`end_utc` text,
	`date_precision` text NOT NULL,
	`date_basis` text NOT NULL,
	`date_note` text,
	`place_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_start_idx` ON `events` (`start_utc`,`id`);--> statement-breakpoint
CREATE INDEX `events_type_start_idx` ON `events` (`type`,`start_utc`,`id`);--> statement-breakpoint
CREATE INDEX `events_place_start_idx` ON `events` (`place_id`,`start_utc`,`id`);--> statement-breakpoint
CREATE INDEX `events_updated_idx` ON `events` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `places` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`kind` text NOT NULL,
	`latitude` real,
	`longitude` real,
	`country_code` text,
	`parent_id` text,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `places_kind_idx` ON `places` (`kind`,`name`);--> statement-breakpoint
CREATE INDEX `places_parent_idx` ON `places` (`parent_id`);--> statement-breakpoint
CREATE INDEX `places_name_idx` ON `places` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `places_updated_idx` ON `places` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`publisher` text NOT NULL,
	`title` text,
	`url` text,
	`published_date` text NOT NULL,
	`kind` text NOT NULL,
	`language` text NOT NULL,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sources_updated_idx` ON `sources` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `statement_events` (
	`statement_id` text NOT NULL,
	`event_id` text NOT NULL,
	PRIMARY KEY(`statement_id`, `event_id`),
	FOREIGN KEY (`statement_id`) REFERENCES `statements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `statement_events_event_idx` ON `statement_events` (`event_id`,`statement_id`);--> statement-breakpoint
CREATE TABLE `statements` (
	`id` text PRIMARY KEY NOT NULL,
	`speaker_id` text NOT NULL,
	`said_at` text NOT NULL,
	`said_at_utc` text NOT NULL,
	`date_precision` text NOT NULL,
	`date_basis` text NOT NULL,
	`date_note` text,
	`medium` text NOT NULL,
	`quote` text,
	`summary` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`speaker_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `statements_said_idx` ON `statements` (`said_at_utc`,`id`);--> statement-breakpoint
CREATE INDEX `statements_speaker_idx` ON `statements` (`speaker_id`,`said_at_utc`,`id`);--> statement-breakpoint
CREATE INDEX `statements_updated_idx` ON `statements` (`updated_at`,`id`);