-- How an event's reports combine (docs/stats.md, rule 1), changed in two ways from what 0005 wrote:
-- - a best below the event's sure lower bound is no best: a best of 5 peacekeepers beside "at least
--   200 people" estimates part of the toll, not the toll;
-- - an exact figure counts its one value as both bounds, whichever of low, high and best holds it:
--   "exactly 5" stored as a low alone was open-ended, stored as a high alone had no lower bound.
-- The view states the rule over every event, for this migration and the bulk-load backfill (which
-- corrects its rows to it); the triggers write the same rule out per event and measure, since
-- SQLite does not push their WHERE into the view's grouped union and would read every report.
-- The figures already stored are brought to the rule; the update passes through event_figures'
-- own triggers, which keep the period and actor tables in step, and moves the dataset version when
-- it changes anything, so no ETag names both the old answers and the new.
CREATE VIEW `event_figures_rule` AS
  SELECT event_id, measure, count(*) AS reports, max(el) AS low, sum(el) AS low_if_disjoint,
    CASE WHEN count(eh) = count(*) THEN sum(eh) END AS high,
    CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END AS best
  FROM (SELECT event_id, outcome AS measure, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el, coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best FROM casualty_reports WHERE event_id IS NOT NULL
    UNION ALL
    SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END), coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END), best FROM displacement_counts WHERE event_id IS NOT NULL)
  GROUP BY event_id, measure;
--> statement-breakpoint
DROP TRIGGER `casualty_figures_ai`;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_ai` AFTER INSERT ON `casualty_reports` WHEN NEW.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM casualty_reports WHERE event_id = NEW.event_id AND outcome = NEW.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
DROP TRIGGER `casualty_figures_au`;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_au` AFTER UPDATE OF event_id, outcome, low, high, best, qualifier ON `casualty_reports` BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM casualty_reports WHERE event_id = OLD.event_id AND outcome = OLD.outcome)
    GROUP BY event_id, outcome;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM casualty_reports WHERE event_id = NEW.event_id AND outcome = NEW.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
DROP TRIGGER `casualty_figures_ad`;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_ad` AFTER DELETE ON `casualty_reports` WHEN OLD.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM casualty_reports WHERE event_id = OLD.event_id AND outcome = OLD.outcome)
    GROUP BY event_id, outcome;
END;
--> statement-breakpoint
DROP TRIGGER `displacement_figures_ai`;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_ai` AFTER INSERT ON `displacement_counts` WHEN NEW.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM displacement_counts WHERE event_id = NEW.event_id AND metric = NEW.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
DROP TRIGGER `displacement_figures_au`;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_au` AFTER UPDATE OF event_id, metric, low, high, best, qualifier ON `displacement_counts` BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM displacement_counts WHERE event_id = NEW.event_id AND metric = NEW.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
DROP TRIGGER `displacement_figures_ad`;
--> statement-breakpoint
CREATE TRIGGER `displacement_figures_ad` AFTER DELETE ON `displacement_counts` WHEN OLD.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = OLD.event_id AND measure = OLD.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
UPDATE event_figures SET reports = r.reports, low = r.low, low_if_disjoint = r.low_if_disjoint, high = r.high, best = r.best
  FROM event_figures_rule r
  WHERE r.event_id = event_figures.event_id AND r.measure = event_figures.measure
    AND (event_figures.low IS NOT r.low OR event_figures.low_if_disjoint IS NOT r.low_if_disjoint OR event_figures.high IS NOT r.high OR event_figures.best IS NOT r.best);
--> statement-breakpoint
UPDATE dataset_meta SET version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1 AND changes() > 0;
