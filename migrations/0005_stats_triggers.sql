-- Backfill from what is stored, then keep current with triggers: every writer (write engine, import,
-- seed, synthetic data) updates the summaries inside its own transaction. The rule that combines an
-- event's reports is in docs/stats.md.
INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
  SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
  FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
    coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best FROM casualty_reports)
  GROUP BY event_id, outcome
  UNION ALL
  SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
  FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
    coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best FROM displacement_counts WHERE event_id IS NOT NULL)
  GROUP BY event_id, metric;
--> statement-breakpoint
INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
  SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', count(*), 0, 0, 0, 0, 0, 0, 0 FROM events e GROUP BY 1, 2, 3
  UNION ALL
  SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, count(*), count(f.low), coalesce(sum(f.low), 0), coalesce(sum(f.low_if_disjoint), 0),
    sum(f.high IS NULL), coalesce(sum(f.high), 0), count(f.best), coalesce(sum(f.best), 0)
  FROM event_figures f JOIN events e ON e.id = f.event_id GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best)
  SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', count(*), 0, 0, 0, 0, 0, 0, 0 FROM events e GROUP BY 1, 2, 3
  UNION ALL
  SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, count(*), count(f.low), coalesce(sum(f.low), 0), coalesce(sum(f.low_if_disjoint), 0),
    sum(f.high IS NULL), coalesce(sum(f.high), 0), count(f.best), coalesce(sum(f.best), 0)
  FROM event_figures f JOIN events e ON e.id = f.event_id GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO facet_counts (field, value, events)
  SELECT 'type', type, count(*) FROM events GROUP BY type
  UNION ALL SELECT 'place', place_id, count(*) FROM events WHERE place_id IS NOT NULL GROUP BY place_id
  UNION ALL SELECT 'actor', actor_id, count(DISTINCT event_id) FROM event_actors GROUP BY actor_id;
--> statement-breakpoint
-- Full-text matches map back to their records through this index without reading the FTS content table.
CREATE INDEX `search_keys_rowid_idx` ON `search_keys` (`fts_rowid`, `record_type`, `record_id`);
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_ai` AFTER INSERT ON `casualty_reports` WHEN NEW.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM casualty_reports WHERE event_id = NEW.event_id AND outcome = NEW.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_au` AFTER UPDATE OF event_id, outcome, low, high, best, qualifier ON `casualty_reports` BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM casualty_reports WHERE event_id = OLD.event_id AND outcome = OLD.outcome)
    GROUP BY event_id, outcome;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM casualty_reports WHERE event_id = NEW.event_id AND outcome = NEW.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_ad` AFTER DELETE ON `casualty_reports` WHEN OLD.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM casualty_reports WHERE event_id = OLD.event_id AND outcome = OLD.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_ai` AFTER INSERT ON `displacement_counts` WHEN NEW.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = NEW.event_id AND metric = NEW.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_au` AFTER UPDATE OF event_id, metric, low, high, best, qualifier ON `displacement_counts` BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = NEW.event_id AND metric = NEW.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_ad` AFTER DELETE ON `displacement_counts` WHEN OLD.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, max(best)
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_stats_ai` AFTER INSERT ON `event_figures` BEGIN
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, NEW.measure, 1, NEW.low IS NOT NULL, coalesce(NEW.low, 0), coalesce(NEW.low_if_disjoint, 0), NEW.high IS NULL, coalesce(NEW.high, 0), NEW.best IS NOT NULL, coalesce(NEW.best, 0)
    FROM events e WHERE e.id = NEW.event_id
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, NEW.measure, 1, NEW.low IS NOT NULL, coalesce(NEW.low, 0), coalesce(NEW.low_if_disjoint, 0), NEW.high IS NULL, coalesce(NEW.high, 0), NEW.best IS NOT NULL, coalesce(NEW.best, 0)
    FROM events e WHERE e.id = NEW.event_id
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_stats_ad` AFTER DELETE ON `event_figures` BEGIN
  UPDATE stats_daily SET events = events - 1, low_events = low_events - (OLD.low IS NOT NULL), low = low - coalesce(OLD.low, 0), low_if_disjoint = low_if_disjoint - coalesce(OLD.low_if_disjoint, 0), high_open = high_open - (OLD.high IS NULL), high = high - coalesce(OLD.high, 0), best_events = best_events - (OLD.best IS NOT NULL), best = best - coalesce(OLD.best, 0)
    WHERE (day, type, date_class, measure) = (SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, OLD.measure FROM events e WHERE e.id = OLD.event_id);
  UPDATE stats_monthly SET events = events - 1, low_events = low_events - (OLD.low IS NOT NULL), low = low - coalesce(OLD.low, 0), low_if_disjoint = low_if_disjoint - coalesce(OLD.low_if_disjoint, 0), high_open = high_open - (OLD.high IS NULL), high = high - coalesce(OLD.high, 0), best_events = best_events - (OLD.best IS NOT NULL), best = best - coalesce(OLD.best, 0)
    WHERE (month, type, date_class, measure) = (SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, OLD.measure FROM events e WHERE e.id = OLD.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_figures_stats_au` AFTER UPDATE ON `event_figures` BEGIN
  UPDATE stats_daily SET events = events - 1, low_events = low_events - (OLD.low IS NOT NULL), low = low - coalesce(OLD.low, 0), low_if_disjoint = low_if_disjoint - coalesce(OLD.low_if_disjoint, 0), high_open = high_open - (OLD.high IS NULL), high = high - coalesce(OLD.high, 0), best_events = best_events - (OLD.best IS NOT NULL), best = best - coalesce(OLD.best, 0)
    WHERE (day, type, date_class, measure) = (SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, OLD.measure FROM events e WHERE e.id = OLD.event_id);
  UPDATE stats_monthly SET events = events - 1, low_events = low_events - (OLD.low IS NOT NULL), low = low - coalesce(OLD.low, 0), low_if_disjoint = low_if_disjoint - coalesce(OLD.low_if_disjoint, 0), high_open = high_open - (OLD.high IS NULL), high = high - coalesce(OLD.high, 0), best_events = best_events - (OLD.best IS NOT NULL), best = best - coalesce(OLD.best, 0)
    WHERE (month, type, date_class, measure) = (SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, OLD.measure FROM events e WHERE e.id = OLD.event_id);
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(e.start_utc, 1, 10), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, NEW.measure, 1, NEW.low IS NOT NULL, coalesce(NEW.low, 0), coalesce(NEW.low_if_disjoint, 0), NEW.high IS NULL, coalesce(NEW.high, 0), NEW.best IS NOT NULL, coalesce(NEW.best, 0)
    FROM events e WHERE e.id = NEW.event_id
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(e.start_utc, 1, 7), e.type, CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, NEW.measure, 1, NEW.low IS NOT NULL, coalesce(NEW.low, 0), coalesce(NEW.low_if_disjoint, 0), NEW.high IS NULL, coalesce(NEW.high, 0), NEW.best IS NOT NULL, coalesce(NEW.best, 0)
    FROM events e WHERE e.id = NEW.event_id
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
END;
--> statement-breakpoint
CREATE TRIGGER `events_stats_ai` AFTER INSERT ON `events` BEGIN
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) VALUES (substr(NEW.start_utc, 1, 10), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', 1, 0, 0, 0, 0, 0, 0, 0)
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(NEW.start_utc, 1, 10), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, 1, f.low IS NOT NULL, coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), f.high IS NULL, coalesce(f.high, 0), f.best IS NOT NULL, coalesce(f.best, 0)
    FROM event_figures f WHERE f.event_id = NEW.id
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) VALUES (substr(NEW.start_utc, 1, 7), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', 1, 0, 0, 0, 0, 0, 0, 0)
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(NEW.start_utc, 1, 7), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, 1, f.low IS NOT NULL, coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), f.high IS NULL, coalesce(f.high, 0), f.best IS NOT NULL, coalesce(f.best, 0)
    FROM event_figures f WHERE f.event_id = NEW.id
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO facet_counts (field, value, events) SELECT 'type', NEW.type, 1 WHERE NEW.type IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
  INSERT INTO facet_counts (field, value, events) SELECT 'place', NEW.place_id, 1 WHERE NEW.place_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
END;
--> statement-breakpoint
CREATE TRIGGER `events_stats_au` AFTER UPDATE OF start_utc, type, date_precision, place_id ON `events` BEGIN
  UPDATE stats_daily SET events = events - 1 WHERE day = substr(OLD.start_utc, 1, 10) AND type = OLD.type AND date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND measure = '*';
  UPDATE stats_daily SET events = stats_daily.events - 1, low_events = stats_daily.low_events - (f.low IS NOT NULL), low = stats_daily.low - coalesce(f.low, 0), low_if_disjoint = stats_daily.low_if_disjoint - coalesce(f.low_if_disjoint, 0), high_open = stats_daily.high_open - (f.high IS NULL), high = stats_daily.high - coalesce(f.high, 0), best_events = stats_daily.best_events - (f.best IS NOT NULL), best = stats_daily.best - coalesce(f.best, 0) FROM event_figures f
    WHERE f.event_id = OLD.id AND stats_daily.day = substr(OLD.start_utc, 1, 10) AND stats_daily.type = OLD.type AND stats_daily.date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND stats_daily.measure = f.measure;
  UPDATE stats_monthly SET events = events - 1 WHERE month = substr(OLD.start_utc, 1, 7) AND type = OLD.type AND date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND measure = '*';
  UPDATE stats_monthly SET events = stats_monthly.events - 1, low_events = stats_monthly.low_events - (f.low IS NOT NULL), low = stats_monthly.low - coalesce(f.low, 0), low_if_disjoint = stats_monthly.low_if_disjoint - coalesce(f.low_if_disjoint, 0), high_open = stats_monthly.high_open - (f.high IS NULL), high = stats_monthly.high - coalesce(f.high, 0), best_events = stats_monthly.best_events - (f.best IS NOT NULL), best = stats_monthly.best - coalesce(f.best, 0) FROM event_figures f
    WHERE f.event_id = OLD.id AND stats_monthly.month = substr(OLD.start_utc, 1, 7) AND stats_monthly.type = OLD.type AND stats_monthly.date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND stats_monthly.measure = f.measure;
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) VALUES (substr(NEW.start_utc, 1, 10), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', 1, 0, 0, 0, 0, 0, 0, 0)
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_daily (day, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(NEW.start_utc, 1, 10), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, 1, f.low IS NOT NULL, coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), f.high IS NULL, coalesce(f.high, 0), f.best IS NOT NULL, coalesce(f.best, 0)
    FROM event_figures f WHERE f.event_id = NEW.id
    ON CONFLICT (day, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) VALUES (substr(NEW.start_utc, 1, 7), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, '*', 1, 0, 0, 0, 0, 0, 0, 0)
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO stats_monthly (month, type, date_class, measure, events, low_events, low, low_if_disjoint, high_open, high, best_events, best) SELECT substr(NEW.start_utc, 1, 7), NEW.type, CASE NEW.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END, f.measure, 1, f.low IS NOT NULL, coalesce(f.low, 0), coalesce(f.low_if_disjoint, 0), f.high IS NULL, coalesce(f.high, 0), f.best IS NOT NULL, coalesce(f.best, 0)
    FROM event_figures f WHERE f.event_id = NEW.id
    ON CONFLICT (month, type, date_class, measure) DO UPDATE SET events = events + excluded.events, low_events = low_events + excluded.low_events, low = low + excluded.low, low_if_disjoint = low_if_disjoint + excluded.low_if_disjoint, high_open = high_open + excluded.high_open, high = high + excluded.high, best_events = best_events + excluded.best_events, best = best + excluded.best;
  INSERT INTO facet_counts (field, value, events) SELECT 'type', OLD.type, -1 WHERE OLD.type IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
  INSERT INTO facet_counts (field, value, events) SELECT 'type', NEW.type, 1 WHERE NEW.type IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
  INSERT INTO facet_counts (field, value, events) SELECT 'place', OLD.place_id, -1 WHERE OLD.place_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
  INSERT INTO facet_counts (field, value, events) SELECT 'place', NEW.place_id, 1 WHERE NEW.place_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
END;
--> statement-breakpoint
-- The figures go with the event: a later delete of its reports finds no event and changes nothing.
CREATE TRIGGER `events_stats_ad` AFTER DELETE ON `events` BEGIN
  UPDATE stats_daily SET events = events - 1 WHERE day = substr(OLD.start_utc, 1, 10) AND type = OLD.type AND date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND measure = '*';
  UPDATE stats_daily SET events = stats_daily.events - 1, low_events = stats_daily.low_events - (f.low IS NOT NULL), low = stats_daily.low - coalesce(f.low, 0), low_if_disjoint = stats_daily.low_if_disjoint - coalesce(f.low_if_disjoint, 0), high_open = stats_daily.high_open - (f.high IS NULL), high = stats_daily.high - coalesce(f.high, 0), best_events = stats_daily.best_events - (f.best IS NOT NULL), best = stats_daily.best - coalesce(f.best, 0) FROM event_figures f
    WHERE f.event_id = OLD.id AND stats_daily.day = substr(OLD.start_utc, 1, 10) AND stats_daily.type = OLD.type AND stats_daily.date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND stats_daily.measure = f.measure;
  UPDATE stats_monthly SET events = events - 1 WHERE month = substr(OLD.start_utc, 1, 7) AND type = OLD.type AND date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND measure = '*';
  UPDATE stats_monthly SET events = stats_monthly.events - 1, low_events = stats_monthly.low_events - (f.low IS NOT NULL), low = stats_monthly.low - coalesce(f.low, 0), low_if_disjoint = stats_monthly.low_if_disjoint - coalesce(f.low_if_disjoint, 0), high_open = stats_monthly.high_open - (f.high IS NULL), high = stats_monthly.high - coalesce(f.high, 0), best_events = stats_monthly.best_events - (f.best IS NOT NULL), best = stats_monthly.best - coalesce(f.best, 0) FROM event_figures f
    WHERE f.event_id = OLD.id AND stats_monthly.month = substr(OLD.start_utc, 1, 7) AND stats_monthly.type = OLD.type AND stats_monthly.date_class = CASE OLD.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END AND stats_monthly.measure = f.measure;
  DELETE FROM event_figures WHERE event_id = OLD.id;
  INSERT INTO facet_counts (field, value, events) SELECT 'type', OLD.type, -1 WHERE OLD.type IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
  INSERT INTO facet_counts (field, value, events) SELECT 'place', OLD.place_id, -1 WHERE OLD.place_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
END;
--> statement-breakpoint
CREATE TRIGGER `event_actors_facet_ai` AFTER INSERT ON `event_actors`
  WHEN NOT EXISTS (SELECT 1 FROM event_actors WHERE event_id = NEW.event_id AND actor_id = NEW.actor_id AND role <> NEW.role) BEGIN
  INSERT INTO facet_counts (field, value, events) SELECT 'actor', NEW.actor_id, 1 WHERE NEW.actor_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
END;
--> statement-breakpoint
CREATE TRIGGER `event_actors_facet_ad` AFTER DELETE ON `event_actors`
  WHEN NOT EXISTS (SELECT 1 FROM event_actors WHERE event_id = OLD.event_id AND actor_id = OLD.actor_id) BEGIN
  INSERT INTO facet_counts (field, value, events) SELECT 'actor', OLD.actor_id, -1 WHERE OLD.actor_id IS NOT NULL
    ON CONFLICT (field, value) DO UPDATE SET events = events + excluded.events;
END;
