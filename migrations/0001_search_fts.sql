-- Full-text index over event titles/summaries and statement quotes/summaries, kept current by triggers
-- so that every writer (seed, API, import) updates it the same way. `search_keys` maps each record to
-- its index row, so an update or delete touches one row of the index instead of scanning it.
CREATE VIRTUAL TABLE `search_index` USING fts5(
  `record_type` UNINDEXED,
  `record_id` UNINDEXED,
  `title`,
  `body`,
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TABLE `search_keys` (
  `record_type` text NOT NULL,
  `record_id` text NOT NULL,
  `fts_rowid` integer NOT NULL,
  PRIMARY KEY (`record_type`, `record_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `events_search_ai` AFTER INSERT ON `events` BEGIN
  INSERT INTO `search_index` (`record_type`, `record_id`, `title`, `body`) VALUES ('event', new.`id`, new.`title`, new.`summary`);
  INSERT INTO `search_keys` VALUES ('event', new.`id`, last_insert_rowid());
END;
--> statement-breakpoint
CREATE TRIGGER `events_search_au` AFTER UPDATE OF `id`, `title`, `summary` ON `events` BEGIN
  UPDATE `search_index` SET `record_id` = new.`id`, `title` = new.`title`, `body` = new.`summary`
    WHERE `rowid` = (SELECT `fts_rowid` FROM `search_keys` WHERE `record_type` = 'event' AND `record_id` = old.`id`);
  UPDATE `search_keys` SET `record_id` = new.`id` WHERE `record_type` = 'event' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `events_search_ad` AFTER DELETE ON `events` BEGIN
  DELETE FROM `search_index` WHERE `rowid` = (SELECT `fts_rowid` FROM `search_keys` WHERE `record_type` = 'event' AND `record_id` = old.`id`);
  DELETE FROM `search_keys` WHERE `record_type` = 'event' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_ai` AFTER INSERT ON `statements` BEGIN
  INSERT INTO `search_index` (`record_type`, `record_id`, `title`, `body`) VALUES ('statement', new.`id`, coalesce(new.`quote`, ''), new.`summary`);
  INSERT INTO `search_keys` VALUES ('statement', new.`id`, last_insert_rowid());
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_au` AFTER UPDATE OF `id`, `quote`, `summary` ON `statements` BEGIN
  UPDATE `search_index` SET `record_id` = new.`id`, `title` = coalesce(new.`quote`, ''), `body` = new.`summary`
    WHERE `rowid` = (SELECT `fts_rowid` FROM `search_keys` WHERE `record_type` = 'statement' AND `record_id` = old.`id`);
  UPDATE `search_keys` SET `record_id` = new.`id` WHERE `record_type` = 'statement' AND `record_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `statements_search_ad` AFTER DELETE ON `statements` BEGIN
  DELETE FROM `search_index` WHERE `rowid` = (SELECT `fts_rowid` FROM `search_keys` WHERE `record_type` = 'statement' AND `record_id` = old.`id`);
  DELETE FROM `search_keys` WHERE `record_type` = 'statement' AND `record_id` = old.`id`;
END;
