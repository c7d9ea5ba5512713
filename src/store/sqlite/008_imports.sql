-- 008: imports of existing ledgers (issue 14). One row per run of an import: who, when, which
-- file (name, size, SHA-256), what was found in it and what became of it. A run that wrote
-- records commits this row in the same transaction as the records (status 'done'); a dry run
-- ('checked') or a refused file or rows in error ('failed') write only this row, after the
-- records' transaction was rolled back. Every audit row an import writes names it in its
-- detail ("import N").
CREATE TABLE imports (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,		-- households (jobs, trainings, guarantees later)
	user_id     INTEGER,			-- NULL: the command line
	username    TEXT NOT NULL,
	started_at  TEXT NOT NULL,
	finished_at TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	file_sha256 TEXT NOT NULL,
	file_bytes  INTEGER NOT NULL,
	format      TEXT,			-- csv, xlsx; NULL when the file was not a table
	encoding    TEXT,			-- UTF-8, UTF-8 with BOM, GB18030
	dry_run     INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('done', 'checked', 'failed')),
	rows_read   INTEGER NOT NULL,
	errors      INTEGER NOT NULL,
	result      TEXT NOT NULL		-- JSON: counts, first rows of each, first errors
);
CREATE INDEX imports_started ON imports(started_at);

-- An import's scratch: the ID numbers and household keys seen so far in its file (the same
-- ID twice, a household's rows apart). Written and emptied inside the import's own
-- transaction, so it is empty whenever no import runs; a table on disk rather than a
-- temporary one, because temporary tables live in memory here (temp_store) and a file of
-- two million rows must not grow the process.
CREATE TABLE import_keys (
	k     TEXT PRIMARY KEY,
	place TEXT NOT NULL
);
