-- An event's best estimate is the largest best given, unless it falls below the event's sure lower
-- bound: a best of 5 peacekeepers beside "at least 200 people" estimates part of the toll, not the
-- toll, so the event has no best (docs/stats.md, rule 1). The triggers that combine an event's
-- reports are made again with that rule, and the figures already stored follow it; the update
-- passes through event_figures' own triggers, which keep the period and actor tables in step.
DROP TRIGGER `casualty_figures_ai`;
--> statement-breakpoint
CREATE TRIGGER `casualty_figures_ai` AFTER INSERT ON `casualty_reports` WHEN NEW.event_id IS NOT NULL BEGIN
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
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
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM casualty_reports WHERE event_id = OLD.event_id AND outcome = OLD.outcome)
    GROUP BY event_id, outcome;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.outcome;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, outcome, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
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
    FROM (SELECT event_id, outcome, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
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
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
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
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
  DELETE FROM event_figures WHERE event_id = NEW.event_id AND measure = NEW.metric;
  INSERT INTO event_figures (event_id, measure, reports, low, low_if_disjoint, high, best)
    SELECT event_id, metric, count(*), max(el), sum(el), CASE WHEN count(eh) = count(*) THEN sum(eh) END, CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
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
    FROM (SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best
      FROM displacement_counts WHERE event_id = OLD.event_id AND metric = OLD.metric)
    GROUP BY event_id, metric;
END;
--> statement-breakpoint
UPDATE event_figures SET best = NULL WHERE best < low;
