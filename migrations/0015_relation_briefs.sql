-- What GraphQL reads of each event's place, actors and first casualty reports, one JSON array per
-- event (src/modules/events/relation-briefs.ts), keyed by the event's date first so that the
-- briefs of a page of events lie together. A brief holds only fields of the event's document and
-- goes with it: every write that changes a brief deletes the document (migrations/0012), which
-- deletes the brief here; wherever a document is stored, its brief is written again.
CREATE TABLE `event_relation_briefs` (
	`start_utc` text NOT NULL,
	`event_id` text NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`start_utc`, `event_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `event_relation_briefs_event_idx` ON `event_relation_briefs` (`event_id`);
--> statement-breakpoint
CREATE TRIGGER `event_relation_briefs_doc_ad` AFTER DELETE ON `event_documents` BEGIN
  DELETE FROM event_relation_briefs WHERE event_id = OLD.event_id;
END;
--> statement-breakpoint
-- The briefs of the documents already stored (COMPOSE_BRIEF as written when this was added); the
-- queued ones get theirs when their documents are composed.
INSERT INTO event_relation_briefs (start_utc, event_id, body) SELECT e.start_utc, e.id, json_array(
  (SELECT jsonb_array(p.id, p.name, p.latitude, p.longitude) FROM places p WHERE p.id = e.place_id),
  coalesce((SELECT jsonb_group_array(jsonb_array(ea.role, a.id, a.name, a.kind) ORDER BY ea.role, a.name, a.id)
    FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id), jsonb_array()),
  coalesce((SELECT jsonb_group_array(jsonb_array(c.id, c.outcome, c.victim_group, c.low, c.high, c.best, c.qualifier, c.reported_phrase, c.updated_at) ORDER BY c.id)
    FROM (SELECT * FROM casualty_reports c INDEXED BY casualty_event_idx WHERE c.event_id = e.id ORDER BY c.id LIMIT 201) c), jsonb_array()))
  FROM event_documents d JOIN events e ON e.id = d.event_id ORDER BY e.start_utc, e.id;
