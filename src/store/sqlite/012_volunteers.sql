-- 012: 困难大家帮 (issue 13, part 4): volunteers (party members, building leaders, others)
-- with their posts, the households and buildings assigned to each, and the needs ledger
-- (台账) with its configurable categories. Plain SQL with no SQLite-only syntax: the
-- PostgreSQL backend takes the same file.

-- A volunteer account's profile: what kind of volunteer, and the post held (楼栋长 of
-- building 3, 党员中心户, ...). The account itself is a user with the role volunteer.
CREATE TABLE volunteers (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id),
	kind       TEXT NOT NULL CHECK (kind IN ('party_member', 'building_leader', 'other')),
	post       TEXT,
	updated_at TEXT NOT NULL
);

-- Assignments: one-to-one and point-to-point (a household), building-to-building (a
-- building of a site: every open household living in it).
CREATE TABLE volunteer_households (
	user_id      INTEGER NOT NULL REFERENCES users(id),
	household_id INTEGER NOT NULL REFERENCES households(id),
	PRIMARY KEY (user_id, household_id)
);
CREATE INDEX volunteer_households_household ON volunteer_households(household_id);
CREATE TABLE volunteer_buildings (
	user_id     INTEGER NOT NULL REFERENCES users(id),
	building_id INTEGER NOT NULL REFERENCES buildings(id),
	PRIMARY KEY (user_id, building_id)
);
CREATE INDEX volunteer_buildings_building ON volunteer_buildings(building_id);

-- The households a volunteer reaches: the scope of a volunteer account (actor.h SCOPE_SQL).
-- UNION ALL, so that a query's "WHERE user_id = ?" reaches both arms and their indexes (a
-- household assigned twice is listed twice: count DISTINCT).
CREATE VIEW volunteer_reach AS
	SELECT user_id, household_id FROM volunteer_households
	UNION ALL
	SELECT vb.user_id, h.id FROM volunteer_buildings vb
	JOIN rooms r ON r.building_id = vb.building_id
	JOIN households h ON h.room_id = r.id AND h.status <> 'closed';

-- The categories of a need: a configurable list (code is the word the API uses).
CREATE TABLE need_categories (
	code    TEXT PRIMARY KEY,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort    INTEGER NOT NULL
);
INSERT INTO need_categories (code, name_zh, name_en, sort) VALUES
	('employment', '就业帮扶', 'Employment', 10),
	('living_hardship', '生活困难', 'Hardship in daily life', 20),
	('health_care', '看病就医', 'Health care', 30),
	('schooling', '子女就学', 'Schooling', 40),
	('elderly_care', '老人照料', 'Care of the elderly', 50),
	('housing_repair', '住房维修', 'Housing repair', 60),
	('paperwork', '证照办理', 'Papers and certificates', 70),
	('psychological', '心理疏导', 'Counselling', 80),
	('other', '其他', 'Other', 90);

-- The needs ledger (台账) of a household: what is needed, where it was raised (a visit, a
-- service request or a petition of the household), the measure taken, who owns it, when it
-- is due, and when and by whom it was resolved. Days are YYYY-MM-DD text.
CREATE TABLE needs (
	id          INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES households(id),
	category    TEXT NOT NULL REFERENCES need_categories(code),
	description TEXT NOT NULL,
	source      TEXT NOT NULL CHECK (source IN ('visit', 'service_request', 'petition', 'other')),
	source_id   INTEGER,
	measure     TEXT,
	owner       TEXT NOT NULL,
	due_on      TEXT NOT NULL,
	resolved    INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
	resolved_on TEXT,
	resolved_by TEXT,
	raised_on   TEXT NOT NULL,
	raised_by   TEXT NOT NULL,
	user_id     INTEGER,
	created_at  TEXT NOT NULL
);
CREATE INDEX needs_household ON needs(household_id, resolved, due_on);
CREATE INDEX needs_open ON needs(resolved, due_on);
