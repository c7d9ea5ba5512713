-- 001: divisions, resettlement sites, households, persons, membership events,
-- users, sessions, audit, and the name search index.

CREATE TABLE divisions (
	code       TEXT PRIMARY KEY,          -- GB/T 2260: 2, 4, 6, 9 or 12 digits
	name       TEXT NOT NULL,             -- official name, e.g. 团山社区居民委员会
	short_name TEXT NOT NULL,             -- e.g. 团山社区
	level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	parent     TEXT REFERENCES divisions(code)
) WITHOUT ROWID;
CREATE INDEX divisions_parent ON divisions(parent);

CREATE TABLE sites (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE,
	community_code TEXT NOT NULL REFERENCES divisions(code),
	cross_region   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE buildings (
	id      INTEGER PRIMARY KEY,
	site_id INTEGER NOT NULL REFERENCES sites(id),
	name    TEXT NOT NULL,
	UNIQUE (site_id, name)
);

CREATE TABLE rooms (
	id          INTEGER PRIMARY KEY,
	building_id INTEGER NOT NULL REFERENCES buildings(id),
	unit        TEXT NOT NULL,
	number      TEXT NOT NULL,
	UNIQUE (building_id, unit, number)
);

CREATE TABLE households (
	id              INTEGER PRIMARY KEY,
	number          TEXT NOT NULL UNIQUE,
	category        TEXT NOT NULL CHECK (category IN ('registered_poor', 'synchronous')),
	status          TEXT NOT NULL CHECK (status IN ('planned', 'relocated', 'settled', 'closed')),
	origin_village  TEXT NOT NULL REFERENCES divisions(code),
	dest_community  TEXT REFERENCES divisions(code),
	site_id         INTEGER REFERENCES sites(id),
	room_id         INTEGER REFERENCES rooms(id),
	relocation_date TEXT,
	phone           TEXT,
	note            TEXT,
	closed_reason   TEXT,
	closed_date     TEXT,
	version         INTEGER NOT NULL DEFAULT 1,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);
CREATE INDEX households_origin ON households(origin_village);
CREATE INDEX households_dest ON households(dest_community);
CREATE UNIQUE INDEX households_room ON households(room_id) WHERE room_id IS NOT NULL AND status <> 'closed';

CREATE TABLE persons (
	id             INTEGER PRIMARY KEY,
	household_id   INTEGER NOT NULL REFERENCES households(id),
	id_number      TEXT NOT NULL UNIQUE,
	id_reversed    TEXT NOT NULL,          -- for "last digits" search
	name           TEXT NOT NULL,
	name_initials  TEXT NOT NULL,          -- 张伟 → zw
	name_pinyin    TEXT NOT NULL,          -- 张伟 → zhangwei
	gender         TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	birth_date     TEXT NOT NULL,
	ethnicity      TEXT,
	relation       TEXT NOT NULL,
	education      TEXT,
	health         TEXT,
	labor_capacity TEXT,
	phone          TEXT,
	status         TEXT NOT NULL DEFAULT 'member' CHECK (status IN ('member', 'deceased', 'moved_out')),
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_id_reversed ON persons(id_reversed);
CREATE INDEX persons_initials ON persons(name_initials);
CREATE INDEX persons_pinyin ON persons(name_pinyin);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_phone ON persons(phone) WHERE phone IS NOT NULL;

-- Membership history: never updated, never deleted.
CREATE TABLE member_events (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	household_id INTEGER NOT NULL REFERENCES households(id),
	kind         TEXT NOT NULL CHECK (kind IN ('registered', 'birth', 'marriage_in', 'move_in',
	                                           'death', 'marriage_out', 'move_out')),
	date         TEXT NOT NULL,
	note         TEXT,
	user_id      INTEGER,
	created_at   TEXT NOT NULL
);
CREATE INDEX member_events_household ON member_events(household_id);
CREATE INDEX member_events_person ON member_events(person_id);

CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL UNIQUE,
	role                TEXT NOT NULL CHECK (role IN ('admin', 'county', 'town', 'community',
	                                                   'volunteer', 'archivist', 'auditor')),
	scope               TEXT NOT NULL DEFAULT '',
	password_hash       TEXT NOT NULL,
	disabled            INTEGER NOT NULL DEFAULT 0,
	created_at          TEXT NOT NULL,
	password_changed_at TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,          -- BLAKE2b of the token; the token itself is never stored
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at TEXT NOT NULL,
	expires_at INTEGER NOT NULL,          -- unix seconds
	address    TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	user_id   INTEGER,
	username  TEXT,
	address   TEXT,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id INTEGER,
	before    TEXT,
	after     TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);

-- rowid = id * 4 + kind (0 person, 1 household, 2 archive item); see store_sqlite.c.
CREATE VIRTUAL TABLE search_index USING fts5(text, tokenize = 'anju');
