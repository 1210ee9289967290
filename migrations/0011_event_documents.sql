CREATE TABLE `event_documents` (
	`event_id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `event_documents_stale` (
	`event_id` text PRIMARY KEY NOT NULL
) WITHOUT ROWID;
