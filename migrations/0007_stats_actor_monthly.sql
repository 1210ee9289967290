CREATE TABLE `stats_actor_monthly` (
	`month` text NOT NULL,
	`actor_id` text NOT NULL,
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
	PRIMARY KEY(`month`, `actor_id`, `date_class`, `measure`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Filled from what is stored, then kept by triggers in the transaction of every write. Each event
-- counts once for each distinct actor it links (whatever the roles), or under actor '' when it links
-- none; its figures go with it. Rows left at zero stay (as in stats_daily); readers skip them.
INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
  SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', count(*), 0, 0, 0, 0, 0, 0, 0
  FROM (SELECT DISTINCT event_id, actor_id FROM event_actors
    UNION ALL SELECT id, '' FROM events WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = events.id)) a
  JOIN events e ON e.id = a.event_id GROUP BY 1, 2, 3
  UNION ALL
  SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, count(*), count(f.low), coalesce(sum(f.low), 0), coalesce(sum(f.low_if_disjoint), 0),
    sum(f.high IS NULL), coalesce(sum(f.high), 0), count(f.best), coalesce(sum(f.best), 0)
  FROM (SELECT DISTINCT event_id, actor_id FROM event_actors
    UNION ALL SELECT id, '' FROM events WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = events.id)) a
  JOIN events e ON e.id = a.event_id JOIN event_figures f ON f.event_id = e.id GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
CREATE TRIGGER `events_actor_stats_ai` AFTER INSERT ON `events` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT NEW.start_utc AS start_utc, NEW.date_precision AS date_precision) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = NEW.id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = NEW.id)) a
    JOIN (SELECT '*' AS measure, 1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, 1, (f.low IS NOT NULL), coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), (f.high IS NULL), coalesce(f.high, 0), (f.best IS NOT NULL), coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = NEW.id) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `events_actor_stats_au` AFTER UPDATE OF start_utc, date_precision ON `events` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT OLD.start_utc AS start_utc, OLD.date_precision AS date_precision) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = OLD.id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.id)) a
    JOIN (SELECT '*' AS measure, -1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, -1, -(f.low IS NOT NULL), -coalesce(f.low, 0), -coalesce(f.low_if_disjoint, 0), -(f.high IS NULL), -coalesce(f.high, 0), -(f.best IS NOT NULL), -coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = OLD.id) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT NEW.start_utc AS start_utc, NEW.date_precision AS date_precision) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = NEW.id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = NEW.id)) a
    JOIN (SELECT '*' AS measure, 1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, 1, (f.low IS NOT NULL), coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), (f.high IS NULL), coalesce(f.high, 0), (f.best IS NOT NULL), coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = NEW.id) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
-- Before the delete: its links and figures, removed after it (by cascade or by the figures trigger),
-- find no event then and change nothing.
CREATE TRIGGER `events_actor_stats_bd` BEFORE DELETE ON `events` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT OLD.start_utc AS start_utc, OLD.date_precision AS date_precision) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = OLD.id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.id)) a
    JOIN (SELECT '*' AS measure, -1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, -1, -(f.low IS NOT NULL), -coalesce(f.low, 0), -coalesce(f.low_if_disjoint, 0), -(f.high IS NULL), -coalesce(f.high, 0), -(f.best IS NOT NULL), -coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = OLD.id) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_actors_stats_ai` AFTER INSERT ON `event_actors` BEGIN
  -- A second role of the same actor changes nothing; the event's first link takes it out of actor ''.
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = NEW.event_id) e
    JOIN (SELECT NEW.actor_id AS actor_id) a
    JOIN (SELECT '*' AS measure, 1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, 1, (f.low IS NOT NULL), coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), (f.high IS NULL), coalesce(f.high, 0), (f.best IS NOT NULL), coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = NEW.event_id) x
    WHERE NOT EXISTS (SELECT 1 FROM event_actors o WHERE o.event_id = NEW.event_id AND o.actor_id = NEW.actor_id AND o.role <> NEW.role)
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = NEW.event_id) e
    JOIN (SELECT '' AS actor_id) a
    JOIN (SELECT '*' AS measure, -1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, -1, -(f.low IS NOT NULL), -coalesce(f.low, 0), -coalesce(f.low_if_disjoint, 0), -(f.high IS NULL), -coalesce(f.high, 0), -(f.best IS NOT NULL), -coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = NEW.event_id) x
    WHERE NOT EXISTS (SELECT 1 FROM event_actors o WHERE o.event_id = NEW.event_id AND (o.actor_id <> NEW.actor_id OR o.role <> NEW.role))
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_actors_stats_ad` AFTER DELETE ON `event_actors` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = OLD.event_id) e
    JOIN (SELECT OLD.actor_id AS actor_id) a
    JOIN (SELECT '*' AS measure, -1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, -1, -(f.low IS NOT NULL), -coalesce(f.low, 0), -coalesce(f.low_if_disjoint, 0), -(f.high IS NULL), -coalesce(f.high, 0), -(f.best IS NOT NULL), -coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = OLD.event_id) x
    WHERE NOT EXISTS (SELECT 1 FROM event_actors o WHERE o.event_id = OLD.event_id AND o.actor_id = OLD.actor_id)
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = OLD.event_id) e
    JOIN (SELECT '' AS actor_id) a
    JOIN (SELECT '*' AS measure, 1 AS events, 0 AS low_events, 0 AS low, 0 AS low_if_disjoint, 0 AS high_open, 0 AS high, 0 AS best_events, 0 AS best
      UNION ALL SELECT f.measure, 1, (f.low IS NOT NULL), coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), (f.high IS NULL), coalesce(f.high, 0), (f.best IS NOT NULL), coalesce(f.best, 0) FROM event_figures f WHERE f.event_id = OLD.event_id) x
    WHERE NOT EXISTS (SELECT 1 FROM event_actors o WHERE o.event_id = OLD.event_id)
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_actor_stats_ai` AFTER INSERT ON `event_figures` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = NEW.event_id) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = NEW.event_id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = NEW.event_id)) a
    JOIN (SELECT NEW.measure AS measure, 1 AS events, (NEW.low IS NOT NULL) AS low_events, coalesce(NEW.low, 0) AS low, coalesce(NEW.low_if_disjoint, 0) AS low_if_disjoint, (NEW.high IS NULL) AS high_open, coalesce(NEW.high, 0) AS high, (NEW.best IS NOT NULL) AS best_events, coalesce(NEW.best, 0) AS best) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_actor_stats_ad` AFTER DELETE ON `event_figures` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = OLD.event_id) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = OLD.event_id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.event_id)) a
    JOIN (SELECT OLD.measure AS measure, -1 AS events, -(OLD.low IS NOT NULL) AS low_events, -coalesce(OLD.low, 0) AS low, -coalesce(OLD.low_if_disjoint, 0) AS low_if_disjoint, -(OLD.high IS NULL) AS high_open, -coalesce(OLD.high, 0) AS high, -(OLD.best IS NOT NULL) AS best_events, -coalesce(OLD.best, 0) AS best) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_actor_stats_au` AFTER UPDATE ON `event_figures` BEGIN
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = OLD.event_id) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = OLD.event_id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.event_id)) a
    JOIN (SELECT OLD.measure AS measure, -1 AS events, -(OLD.low IS NOT NULL) AS low_events, -coalesce(OLD.low, 0) AS low, -coalesce(OLD.low_if_disjoint, 0) AS low_if_disjoint, -(OLD.high IS NULL) AS high_open, -coalesce(OLD.high, 0) AS high, -(OLD.best IS NOT NULL) AS best_events, -coalesce(OLD.best, 0) AS best) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_actor_monthly (actor_id, month, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
    SELECT a.actor_id, substr(e.start_utc, 1, 7), CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, x.measure, x.events, x.low_events, x.low, x.low_if_disjoint, x.high_open, x.high, x.best_events, x.best
    FROM (SELECT * FROM events WHERE id = NEW.event_id) e
    JOIN (SELECT DISTINCT ea.actor_id FROM event_actors ea WHERE ea.event_id = NEW.event_id UNION ALL SELECT '' WHERE NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = NEW.event_id)) a
    JOIN (SELECT NEW.measure AS measure, 1 AS events, (NEW.low IS NOT NULL) AS low_events, coalesce(NEW.low, 0) AS low, coalesce(NEW.low_if_disjoint, 0) AS low_if_disjoint, (NEW.high IS NULL) AS high_open, coalesce(NEW.high, 0) AS high, (NEW.best IS NOT NULL) AS best_events, coalesce(NEW.best, 0) AS best) x
    WHERE true
    ON CONFLICT (month, actor_id, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
