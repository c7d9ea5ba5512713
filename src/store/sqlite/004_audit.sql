-- 004_audit: accountability. The audit log gains read events (how many records an answer
-- held, and what was asked) and a hash chain (each row's `chain` covers the previous row's
-- chain and this row, see domain/audit_chain.c); break-the-glass access grants; and the
-- record of chain verifications the dashboard shows. Rows written before this migration are
-- chained in id order on the first start after it (audit_chain_backfill).

ALTER TABLE audit ADD COLUMN records INTEGER;	-- read events: records in the answer
ALTER TABLE audit ADD COLUMN detail TEXT;	-- read events: what was asked (query, list, copy)
ALTER TABLE audit ADD COLUMN chain TEXT;	-- hex BLAKE2b-256(previous chain || this row)

-- No index on at or username: every read event would pay for them (measured: the writer's
-- cost per event is most of what the read audit costs a GET); the auditor's page walks the
-- log backwards by id, which is what its filters mostly want anyway.

-- A user's time-limited access to one household outside their scope, with the reason they
-- gave. Read only; reviewed by admins and auditors.
CREATE TABLE access_grants (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id),
	username     TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households(id),
	reason       TEXT NOT NULL,
	granted_at   TEXT NOT NULL,
	expires_at   INTEGER NOT NULL,	-- unix seconds
	address      TEXT
);
CREATE INDEX access_grants_user ON access_grants(user_id, household_id, expires_at);

CREATE TABLE audit_verifications (
	id         INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	username   TEXT NOT NULL,
	checked    INTEGER NOT NULL,	-- rows walked
	intact     INTEGER NOT NULL,	-- 1 when every row's chain matched
	broken_id  INTEGER,		-- the first row that did not
	head_id    INTEGER,		-- the last row walked, and its chain: a later walk checks
	head_chain TEXT			-- that this row is still there, unchanged
);
