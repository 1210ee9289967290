-- Full-text index over event titles/summaries and statement quotes/summaries, kept current by triggers
-- so that every writer (seed, API, import) updates it the same way.
CREATE VIRTUAL TABLE `search_index` USING fts5(
  `record_type` UNINDEXED,
  `record_id` UNINDEXED,
  `title`,
  `body`,
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `events_search_ai` AFTER INSERT ON `events` BEGIN
  INSERT INTO `search_index` (`record_type`, `record_id`, `title`, `body`) VALUES ('event', new.`id`, new.`title`, new.`summary`);
END;
--> statement-breakpoint
CREATE TRIGGER `events_search_au` AFTER UPDATE OF `title`, `summary` ON `events` BEGIN
  UPDATE `search_index` SET `title` = new.`title`, `body` = new.`summary` WHERE `record_type` = 'event' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `events_search_ad` AFTER DELETE ON `events` BEGIN
  DELETE FROM `search_index` WHERE `record_type` = 'event' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_ai` AFTER INSERT ON `statements` BEGIN
  INSERT INTO `search_index` (`record_type`, `record_id`, `title`, `body`) VALUES ('statement', new.`id`, coalesce(new.`quote`, ''), new.`summary`);
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_au` AFTER UPDATE OF `quote`, `summary` ON `statements` BEGIN
  UPDATE `search_index` SET `title` = coalesce(new.`quote`, ''), `body` = new.`summary` WHERE `record_type` = 'statement' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_ad` AFTER DELETE ON `statements` BEGIN
  DELETE FROM `search_index` WHERE `record_type` = 'statement' AND `record_id` = old.`id`;
END;
