-- The page file as it was seeded or imported, byte for byte: the export starts from it and
-- changes only the lines whose values changed since (hugo/source.rs), so that an unchanged page
-- is exported exactly as the site team wrote it. NULL for a page stored by a release before this
-- column (its export is written from the content alone until the next import).
ALTER TABLE page ADD COLUMN source TEXT;
