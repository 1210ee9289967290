CREATE TABLE `event_figures` (
	`event_id` text NOT NULL,
	`measure` text NOT NULL,
	`reports` integer NOT NULL,
	`low` integer,
	`low_if_disjoint` integer,
	`high` integer,
	`best` integer,
	PRIMARY KEY(`event_id`, `measure`)
);
--> statement-breakpoint
CREATE INDEX `event_figures_low_idx` ON `event_figures` (`measure`,`low`,`event_id`);--> statement-breakpoint
CREATE INDEX `event_figures_high_idx` ON `event_figures` (`measure`,`high`,`event_id`);--> statement-breakpoint
CREATE TABLE `facet_counts` (
	`field` text NOT NULL,
	`value` text NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`field`, `value`)
);
--> statement-breakpoint
CREATE INDEX `facet_counts_top_idx` ON `facet_counts` (`field`,`events`,`value`);--> statement-breakpoint
CREATE TABLE `stats_daily` (
	`day` text NOT NULL,
	`type` text NOT NULL,
	`date_class` text NOT NULL,
	`measure` text NOT NULL,
	`events` integer NOT NULL,
	`low_events` integer NOT NULL,
	`low` integer NOT NULL,
	`low_if_disjoint` integer NOT NULL,
	`high_open` integer NOT NULL,
	`high` integer NOT NULL,
	`best_events` integer NOT NULL,
	`best` integer NOT NULL,
	PRIMARY KEY(`day`, `type`, `date_class`, `measure`)
);
--> statement-breakpoint
CREATE TABLE `stats_monthly` (
	`month` text NOT NULL,
	`type` text NOT NULL,
	`date_class` text NOT NULL,
	`measure` text NOT NULL,
	`events` integer NOT NULL,
	`low_events` integer NOT NULL,
	`low` integer NOT NULL,
	`low_if_disjoint` integer NOT NULL,
	`high_open` integer NOT NULL,
	`high` integer NOT NULL,
	`best_events` integer NOT NULL,
	`best` integer NOT NULL,
	PRIMARY KEY(`month`, `type`, `date_class`, `measure`)
);
--> statement-breakpoint
CREATE INDEX `casualty_summary_idx` ON `casualty_reports` (`outcome`,`victim_group`,`qualifier`,`low`,`high`,`best`,`event_id`);--> statement-breakpoint
CREATE INDEX `events_stats_date_idx` ON `events` (`start_utc`,`type`,`date_precision`,`place_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_stats_id_idx` ON `events` (`id`,`start_utc`,`type`,`date_precision`,`place_id`);