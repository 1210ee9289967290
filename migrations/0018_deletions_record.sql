-- Deletions by record: whether an id was deleted (ids made from names must not reuse one) and
-- dropping a deletion on restore were a scan of every deletion, growing with the deletions made.
CREATE INDEX `deletions_record_idx` ON `deletions` (`record_type`,`record_id`);