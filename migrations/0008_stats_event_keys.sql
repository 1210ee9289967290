CREATE TABLE `stats_event_keys` (
	`fts_rowid` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`start_utc` text NOT NULL,
	`type` text NOT NULL,
	`date_precision` text NOT NULL,
	`place_id` text
);
--> statement-breakpoint
-- Filled from what is stored, then kept by triggers: a search key made for an event copies its
-- columns (the event row exists by then), and a change of those columns is copied over.
INSERT INTO stats_event_keys (fts_rowid, id, start_utc, type, date_precision, place_id)
  SELECT k.fts_rowid, e.id, e.start_utc, e.type, e.date_precision, e.place_id
  FROM search_keys k JOIN events e ON e.id = k.record_id WHERE k.record_type = 'event' ORDER BY k.fts_rowid;
--> statement-breakpoint
CREATE TRIGGER `search_keys_stats_ai` AFTER INSERT ON `search_keys` WHEN NEW.record_type = 'event' BEGIN
  INSERT INTO stats_event_keys (fts_rowid, id, start_utc, type, date_precision, place_id)
    SELECT NEW.fts_rowid, e.id, e.start_utc, e.type, e.date_precision, e.place_id FROM events e WHERE e.id = NEW.record_id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_keys_stats_au` AFTER UPDATE ON `search_keys` BEGIN
  DELETE FROM stats_event_keys WHERE fts_rowid = OLD.fts_rowid AND OLD.record_type = 'event';
  INSERT INTO stats_event_keys (fts_rowid, id, start_utc, type, date_precision, place_id)
    SELECT NEW.fts_rowid, e.id, e.start_utc, e.type, e.date_precision, e.place_id FROM events e WHERE NEW.record_type = 'event' AND e.id = NEW.record_id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_keys_stats_ad` AFTER DELETE ON `search_keys` WHEN OLD.record_type = 'event' BEGIN
  DELETE FROM stats_event_keys WHERE fts_rowid = OLD.fts_rowid;
END;
--> statement-breakpoint
-- Found through search_keys by either id: when an update also renames the event, the search
-- trigger may have moved its key already, or not yet (and then copies the whole row itself).
CREATE TRIGGER `events_keys_stats_au` AFTER UPDATE OF start_utc, type, date_precision, place_id ON `events` BEGIN
  UPDATE stats_event_keys SET start_utc = NEW.start_utc, type = NEW.type, date_precision = NEW.date_precision, place_id = NEW.place_id
    WHERE fts_rowid IN (SELECT fts_rowid FROM search_keys WHERE record_type = 'event' AND record_id IN (OLD.id, NEW.id));
END;
