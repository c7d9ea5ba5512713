-- anju: foreign keys off
-- 017: the CHECK lists of households, persons and member_events written as `x = 'a' OR
-- x = 'b' OR ...`, the same rules. Why: SQLite evaluates `x IN (three or more constants)`
-- through an ephemeral table it builds each time the statement runs, so every INSERT of a
-- household, a person or a membership event built one (at least 6 % of an import's
-- instructions); comparisons joined by OR build nothing. SQLite cannot change a CHECK in
-- place, so each table is rebuilt by its documented procedure: a new table, the rows
-- copied, the old one dropped, the new one renamed, its indexes created again. The runner
-- applies this file with foreign keys off (its first line asks for it) and runs `PRAGMA
-- foreign_key_check` before it commits, so the rows referring to these tables are kept and
-- checked. Plain SQL otherwise; a PostgreSQL backend has no use for it (IN is cheap there).
CREATE TABLE households_017 (
	id              INTEGER PRIMARY KEY,
	number          TEXT NOT NULL UNIQUE,
	category        TEXT NOT NULL CHECK (category = 'registered_poor' OR category = 'synchronous'),
	status          TEXT NOT NULL CHECK (status = 'planned' OR status = 'relocated'
	                                     OR status = 'settled' OR status = 'closed'),
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
	updated_at      TEXT NOT NULL,
	next_item_no    INTEGER NOT NULL DEFAULT 1
);
INSERT INTO households_017 (id, number, category, status, origin_village, dest_community,
	site_id, room_id, relocation_date, phone, note, closed_reason, closed_date, version,
	created_at, updated_at, next_item_no)
SELECT id, number, category, status, origin_village, dest_community, site_id, room_id,
	relocation_date, phone, note, closed_reason, closed_date, version, created_at,
	updated_at, next_item_no FROM households;

CREATE TABLE persons_017 (
	id             INTEGER PRIMARY KEY,
	household_id   INTEGER NOT NULL REFERENCES households(id),
	id_number      TEXT NOT NULL UNIQUE,
	id_reversed    TEXT NOT NULL,          -- for "last digits" search
	name           TEXT NOT NULL,
	name_initials  TEXT NOT NULL,          -- 张伟 → zw
	name_pinyin    TEXT NOT NULL,          -- 张伟 → zhangwei
	gender         TEXT NOT NULL CHECK (gender = 'male' OR gender = 'female'),
	birth_date     TEXT NOT NULL,
	ethnicity      TEXT,
	relation       TEXT NOT NULL,
	education      TEXT,
	health         TEXT,
	labor_capacity TEXT,
	phone          TEXT,
	status         TEXT NOT NULL DEFAULT 'member' CHECK (status = 'member'
	                                     OR status = 'deceased' OR status = 'moved_out'),
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
INSERT INTO persons_017 (id, household_id, id_number, id_reversed, name, name_initials,
	name_pinyin, gender, birth_date, ethnicity, relation, education, health, labor_capacity,
	phone, status, version, created_at, updated_at)
SELECT id, household_id, id_number, id_reversed, name, name_initials, name_pinyin, gender,
	birth_date, ethnicity, relation, education, health, labor_capacity, phone, status,
	version, created_at, updated_at FROM persons;

CREATE TABLE member_events_017 (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	household_id INTEGER NOT NULL REFERENCES households(id),
	kind         TEXT NOT NULL CHECK (kind = 'registered' OR kind = 'birth'
	                                  OR kind = 'marriage_in' OR kind = 'move_in'
	                                  OR kind = 'death' OR kind = 'marriage_out'
	                                  OR kind = 'move_out'),
	date         TEXT NOT NULL,
	note         TEXT,
	user_id      INTEGER,
	created_at   TEXT NOT NULL
);
INSERT INTO member_events_017 (id, person_id, household_id, kind, date, note, user_id,
	created_at)
SELECT id, person_id, household_id, kind, date, note, user_id, created_at FROM member_events;

-- The views that name these tables go while they are renamed, and come back as they were.
DROP VIEW checklist_missing;
DROP VIEW volunteer_reach;
DROP TABLE member_events;
DROP TABLE persons;
DROP TABLE households;
ALTER TABLE households_017 RENAME TO households;
ALTER TABLE persons_017 RENAME TO persons;
ALTER TABLE member_events_017 RENAME TO member_events;

CREATE INDEX households_origin ON households(origin_village);
CREATE INDEX households_dest ON households(dest_community);
CREATE UNIQUE INDEX households_room ON households(room_id) WHERE room_id IS NOT NULL AND status <> 'closed';
CREATE INDEX households_dest_participation ON households(dest_community, status, origin_village);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_id_reversed ON persons(id_reversed);
CREATE INDEX persons_initials ON persons(name_initials);
CREATE INDEX persons_pinyin ON persons(name_pinyin);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_phone ON persons(phone) WHERE phone IS NOT NULL;
CREATE INDEX persons_followup ON persons(status, household_id, birth_date, labor_capacity);
CREATE INDEX member_events_household ON member_events(household_id);
CREATE INDEX member_events_person ON member_events(person_id);

CREATE VIEW checklist_missing (household_id, code, sort) AS
	SELECT h.id, c.code, c.sort FROM households h JOIN checklist c ON c.category = h.category
	WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.household_id = h.id
	                  AND i.doc_type = c.code AND i.status = 'active');

CREATE VIEW volunteer_reach AS
	SELECT user_id, household_id FROM volunteer_households
	UNION ALL
	SELECT vb.user_id, h.id FROM volunteer_buildings vb
	JOIN rooms r ON r.building_id = vb.building_id
	JOIN households h ON h.room_id = r.id AND h.status <> 'closed';
