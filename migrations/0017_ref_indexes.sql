-- Indexes from actors and places to the casualty reports and displacement counts that name them.
-- Without them, renaming an actor or a place (the document triggers of migrations/0012), deleting
-- one (the in-use checks and SQLite's own foreign-key checks) and the lists filtered by actor or
-- place read the report tables whole. Partial: a lookup `col = ?` implies `col IS NOT NULL`, so
-- the planner and the foreign-key checks use them, and the many reports naming no victim,
-- perpetrator or relay add nothing to them.
CREATE INDEX `casualty_reported_by_idx` ON `casualty_reports` (`reported_by_id`) WHERE reported_by_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `casualty_victim_actor_idx` ON `casualty_reports` (`victim_actor_id`) WHERE victim_actor_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `casualty_perpetrator_actor_idx` ON `casualty_reports` (`perpetrator_actor_id`) WHERE perpetrator_actor_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `displacement_reported_by_idx` ON `displacement_counts` (`reported_by_id`) WHERE reported_by_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `displacement_relayed_by_idx` ON `displacement_counts` (`relayed_by_id`) WHERE relayed_by_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `displacement_origin_idx` ON `displacement_counts` (`origin_place_id`) WHERE origin_place_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `displacement_destination_idx` ON `displacement_counts` (`destination_place_id`) WHERE destination_place_id IS NOT NULL;