-- 016: a user's full name (姓名, issue 12): the person behind a login, shown wherever a
-- page names who is responsible for, assigned to or did something (责任人, 经办人, 答复人,
-- 审定人, a volunteer's own page) instead of the login name. Empty until given; a display
-- falls back to the login name then. Plain SQL with no SQLite-only syntax: the PostgreSQL
-- backend takes the same file.
ALTER TABLE users ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
