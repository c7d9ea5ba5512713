-- 009: an import's scratch moves to a temporary table (import_seen, created by the import
-- itself, on disk while it runs: store_scratch). The import now checks its file in a read
-- transaction first, so that nobody waits for it, and a table of the database would need
-- the write lock for every key it remembers.
DROP TABLE import_keys;

-- The errors workbook of a refused run (the user's own rows with an error column), kept in
-- the blob store for its author to download from the pages and the API.
ALTER TABLE imports ADD COLUMN errors_sha256 TEXT;

-- Headers an import did not know, mapped by a user to a column of the kind (the preview's
-- "this column is ..."), remembered for that user's later imports of the kind once a run
-- with the mapping checked clean (one user's choice never changes another's import).
CREATE TABLE import_mappings (
	username   TEXT NOT NULL,
	kind       TEXT NOT NULL,
	header     TEXT NOT NULL,		-- as compared: without spaces and marks, lower-cased
	field      TEXT NOT NULL,		-- the column's key (import_columns)
	created_at TEXT NOT NULL,
	PRIMARY KEY (username, kind, header)
);
