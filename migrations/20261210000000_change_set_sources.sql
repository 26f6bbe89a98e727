-- A page a change set creates in a front-matter format of its own (TOML, JSON): the file's text
-- as written when it was created, stored with the page when the change set is published, so
-- that the page keeps its format. NULL: the page exists live already, or is created as YAML.

ALTER TABLE change_set_pages ADD COLUMN source TEXT;
