-- Log-in attempt counters (issue 9.5), kept in the database so that a restart or a second
-- process does not forget them and a flood cannot push a live counter out.
-- key: 'a:ADDRESS' (IPv6 by its /64) for every attempt from an address, 'u:USER_ID' for
-- attempts on an existing account only, so junk usernames never add rows.
-- A row lives until its window has passed; then the next attempt deletes it.
CREATE TABLE login_limits (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	window_start INTEGER NOT NULL           -- Unix seconds
);
CREATE INDEX login_limits_window ON login_limits(window_start);
