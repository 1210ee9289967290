-- Stored event documents (event_documents) are never stale: every write that changes what
-- composing an event's document would give deletes that document in its own transaction. Deleting
-- a document queues its event in event_documents_stale, from where the write engine, the
-- background refiller and the fill after migrations compose it again (src/modules/events/stored.ts).
-- What each document reads is in src/modules/events/document.ts; docs/data-model.md lists the
-- dependencies. Foreign keys are enforced on every connection, so a record cannot be referred to
-- before it exists: inserting an actor, place or source changes no document.
CREATE TRIGGER `event_doc_queue_ad` AFTER DELETE ON `event_documents` BEGIN
  INSERT OR IGNORE INTO event_documents_stale (event_id) VALUES (OLD.event_id);
END;
--> statement-breakpoint
-- Every event of the database is queued once here; the fill after migrations composes them.
INSERT OR IGNORE INTO event_documents_stale (event_id) SELECT id FROM events;
--> statement-breakpoint
-- The delete is for INSERT OR REPLACE, whose deletion fires no trigger (recursive_triggers is off).
CREATE TRIGGER `event_doc_events_ai` AFTER INSERT ON `events` BEGIN
  DELETE FROM event_documents WHERE event_id = NEW.id;
  INSERT OR IGNORE INTO event_documents_stale (event_id) VALUES (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_events_au` AFTER UPDATE ON `events` BEGIN
  DELETE FROM event_documents WHERE event_id IN (OLD.id, NEW.id);
  INSERT OR IGNORE INTO event_documents_stale (event_id) VALUES (NEW.id);
END;
--> statement-breakpoint
-- A statement lists its events in date order: moving an event's date reorders the list in the
-- documents of every other event of its statements.
CREATE TRIGGER `event_doc_events_date_au` AFTER UPDATE OF id, start_utc ON `events`
  WHEN OLD.id IS NOT NEW.id OR OLD.start_utc IS NOT NEW.start_utc BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT o.event_id FROM statement_events se JOIN statement_events o ON o.statement_id = se.statement_id WHERE se.event_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_events_ad` AFTER DELETE ON `events` BEGIN
  DELETE FROM event_documents WHERE event_id = OLD.id
    OR event_id IN (SELECT o.event_id FROM statement_events se JOIN statement_events o ON o.statement_id = se.statement_id WHERE se.event_id = OLD.id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_places_au` AFTER UPDATE ON `places`
  WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.latitude IS NOT NEW.latitude OR OLD.longitude IS NOT NEW.longitude BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT id FROM events WHERE place_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
-- Displacement counts show their places' names; no index leads from a place to them, so only a
-- rename (rare) reads the whole table.
CREATE TRIGGER `event_doc_places_name_au` AFTER UPDATE OF id, name ON `places`
  WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT event_id FROM displacement_counts
    WHERE origin_place_id IN (OLD.id, NEW.id) OR destination_place_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_actors_au` AFTER UPDATE ON `actors`
  WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.kind IS NOT NEW.kind BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT event_id FROM event_actors WHERE actor_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
-- Figures and statements show their actors' names: a rename reads the report tables whole, as
-- they have no index by actor.
CREATE TRIGGER `event_doc_actors_name_au` AFTER UPDATE OF id, name ON `actors`
  WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN
  DELETE FROM event_documents WHERE event_id IN (
    SELECT event_id FROM casualty_reports WHERE reported_by_id IN (OLD.id, NEW.id) OR victim_actor_id IN (OLD.id, NEW.id) OR perpetrator_actor_id IN (OLD.id, NEW.id)
    UNION SELECT event_id FROM displacement_counts WHERE reported_by_id IN (OLD.id, NEW.id) OR relayed_by_id IN (OLD.id, NEW.id)
    UNION SELECT se.event_id FROM statements st JOIN statement_events se ON se.statement_id = st.id WHERE st.speaker_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_event_actors_ai` AFTER INSERT ON `event_actors` BEGIN
  DELETE FROM event_documents WHERE event_id = NEW.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_event_actors_au` AFTER UPDATE ON `event_actors` BEGIN
  DELETE FROM event_documents WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_event_actors_ad` AFTER DELETE ON `event_actors` BEGIN
  DELETE FROM event_documents WHERE event_id = OLD.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_casualty_ai` AFTER INSERT ON `casualty_reports` BEGIN
  DELETE FROM event_documents WHERE event_id = NEW.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_casualty_au` AFTER UPDATE ON `casualty_reports` BEGIN
  DELETE FROM event_documents WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_casualty_ad` AFTER DELETE ON `casualty_reports` BEGIN
  DELETE FROM event_documents WHERE event_id = OLD.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_displacement_ai` AFTER INSERT ON `displacement_counts` BEGIN
  DELETE FROM event_documents WHERE event_id = NEW.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_displacement_au` AFTER UPDATE ON `displacement_counts` BEGIN
  DELETE FROM event_documents WHERE event_id IN (OLD.event_id, NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_displacement_ad` AFTER DELETE ON `displacement_counts` BEGIN
  DELETE FROM event_documents WHERE event_id = OLD.event_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_statements_au` AFTER UPDATE ON `statements` BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT event_id FROM statement_events WHERE statement_id IN (OLD.id, NEW.id));
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_statements_ad` AFTER DELETE ON `statements` BEGIN
  DELETE FROM event_documents WHERE event_id IN (SELECT event_id FROM statement_events WHERE statement_id = OLD.id);
END;
--> statement-breakpoint
-- A link changes the linked event's document and the event list of every other event of the statement.
CREATE TRIGGER `event_doc_statement_events_ai` AFTER INSERT ON `statement_events` BEGIN
  DELETE FROM event_documents WHERE event_id = NEW.event_id OR event_id IN (SELECT event_id FROM statement_events WHERE statement_id = NEW.statement_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_statement_events_au` AFTER UPDATE ON `statement_events` BEGIN
  DELETE FROM event_documents WHERE event_id IN (OLD.event_id, NEW.event_id)
    OR event_id IN (SELECT event_id FROM statement_events WHERE statement_id IN (OLD.statement_id, NEW.statement_id));
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_statement_events_ad` AFTER DELETE ON `statement_events` BEGIN
  DELETE FROM event_documents WHERE event_id = OLD.event_id OR event_id IN (SELECT event_id FROM statement_events WHERE statement_id = OLD.statement_id);
END;
--> statement-breakpoint
-- A citation shows in the document of the event it backs, or of the report's or statement's events.
CREATE TRIGGER `event_doc_citations_ai` AFTER INSERT ON `citations` BEGIN
  DELETE FROM event_documents WHERE event_id IN (
    SELECT NEW.record_id WHERE NEW.record_type = 'event'
    UNION ALL SELECT event_id FROM casualty_reports WHERE NEW.record_type = 'casualty_report' AND id = NEW.record_id
    UNION ALL SELECT event_id FROM displacement_counts WHERE NEW.record_type = 'displacement_count' AND id = NEW.record_id
    UNION ALL SELECT event_id FROM statement_events WHERE NEW.record_type = 'statement' AND statement_id = NEW.record_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_citations_au` AFTER UPDATE ON `citations` BEGIN
  DELETE FROM event_documents WHERE event_id IN (
    SELECT OLD.record_id WHERE OLD.record_type = 'event'
    UNION ALL SELECT event_id FROM casualty_reports WHERE OLD.record_type = 'casualty_report' AND id = OLD.record_id
    UNION ALL SELECT event_id FROM displacement_counts WHERE OLD.record_type = 'displacement_count' AND id = OLD.record_id
    UNION ALL SELECT event_id FROM statement_events WHERE OLD.record_type = 'statement' AND statement_id = OLD.record_id
    UNION ALL SELECT NEW.record_id WHERE NEW.record_type = 'event'
    UNION ALL SELECT event_id FROM casualty_reports WHERE NEW.record_type = 'casualty_report' AND id = NEW.record_id
    UNION ALL SELECT event_id FROM displacement_counts WHERE NEW.record_type = 'displacement_count' AND id = NEW.record_id
    UNION ALL SELECT event_id FROM statement_events WHERE NEW.record_type = 'statement' AND statement_id = NEW.record_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_citations_ad` AFTER DELETE ON `citations` BEGIN
  DELETE FROM event_documents WHERE event_id IN (
    SELECT OLD.record_id WHERE OLD.record_type = 'event'
    UNION ALL SELECT event_id FROM casualty_reports WHERE OLD.record_type = 'casualty_report' AND id = OLD.record_id
    UNION ALL SELECT event_id FROM displacement_counts WHERE OLD.record_type = 'displacement_count' AND id = OLD.record_id
    UNION ALL SELECT event_id FROM statement_events WHERE OLD.record_type = 'statement' AND statement_id = OLD.record_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_doc_sources_au` AFTER UPDATE ON `sources`
  WHEN OLD.id IS NOT NEW.id OR OLD.publisher IS NOT NEW.publisher OR OLD.title IS NOT NEW.title OR OLD.url IS NOT NEW.url OR OLD.published_date IS NOT NEW.published_date BEGIN
  DELETE FROM event_documents WHERE event_id IN (
    SELECT c.record_id FROM citations c WHERE c.source_id IN (OLD.id, NEW.id) AND c.record_type = 'event'
    UNION ALL SELECT r.event_id FROM citations c JOIN casualty_reports r ON r.id = c.record_id WHERE c.source_id IN (OLD.id, NEW.id) AND c.record_type = 'casualty_report'
    UNION ALL SELECT d.event_id FROM citations c JOIN displacement_counts d ON d.id = c.record_id WHERE c.source_id IN (OLD.id, NEW.id) AND c.record_type = 'displacement_count'
    UNION ALL SELECT se.event_id FROM citations c JOIN statement_events se ON se.statement_id = c.record_id WHERE c.source_id IN (OLD.id, NEW.id) AND c.record_type = 'statement');
END;
