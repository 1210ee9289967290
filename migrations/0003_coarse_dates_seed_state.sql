CREATE TABLE `seed_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`digest` text NOT NULL,
	`applied_at` text NOT NULL
);--> statement-breakpoint
-- Dates known only to a month or a year now key at the last millisecond of that period instead of
-- its first (see docs/dates.md). The stored keys are rewritten, and the rows marked as written by a
-- new dataset version, so that ETags, caches and copies kept in sync by updatedSince see the change.
UPDATE `dataset_meta` SET version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1 AND (
  EXISTS (SELECT 1 FROM `events` WHERE length(start) IN (4, 7) OR length("end") IN (4, 7))
  OR EXISTS (SELECT 1 FROM `statements` WHERE length(said_at) IN (4, 7))
  OR EXISTS (SELECT 1 FROM `displacement_counts` WHERE length(as_of) IN (4, 7)));--> statement-breakpoint
UPDATE `events` SET
  start_utc = CASE WHEN length(start) IN (4, 7) THEN CASE length(start) WHEN 4 THEN start || '-12-31T23:59:59.999Z' ELSE (CASE substr(start, 6, 2) WHEN '12' THEN substr(start, 1, 4) || '-12-31' ELSE date(start || '-01', '+1 month', '-1 day') END) || 'T23:59:59.999Z' END ELSE start_utc END,
  end_utc = CASE WHEN length("end") IN (4, 7) THEN CASE length("end") WHEN 4 THEN "end" || '-12-31T23:59:59.999Z' ELSE (CASE substr("end", 6, 2) WHEN '12' THEN substr("end", 1, 4) || '-12-31' ELSE date("end" || '-01', '+1 month', '-1 day') END) || 'T23:59:59.999Z' END ELSE end_utc END,
  version = COALESCE((SELECT version FROM `dataset_meta` WHERE id = 1), version), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE length(start) IN (4, 7) OR length("end") IN (4, 7);--> statement-breakpoint
UPDATE `statements` SET said_at_utc = CASE length(said_at) WHEN 4 THEN said_at || '-12-31T23:59:59.999Z' ELSE (CASE substr(said_at, 6, 2) WHEN '12' THEN substr(said_at, 1, 4) || '-12-31' ELSE date(said_at || '-01', '+1 month', '-1 day') END) || 'T23:59:59.999Z' END, version = COALESCE((SELECT version FROM `dataset_meta` WHERE id = 1), version), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE length(said_at) IN (4, 7);--> statement-breakpoint
UPDATE `displacement_counts` SET as_of_utc = CASE length(as_of) WHEN 4 THEN as_of || '-12-31T23:59:59.999Z' ELSE (CASE substr(as_of, 6, 2) WHEN '12' THEN substr(as_of, 1, 4) || '-12-31' ELSE date(as_of || '-01', '+1 month', '-1 day') END) || 'T23:59:59.999Z' END, version = COALESCE((SELECT version FROM `dataset_meta` WHERE id = 1), version), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE length(as_of) IN (4, 7);
