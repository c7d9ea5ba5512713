-- 011: 有话大家说, suggestions and petitions (issue 13, part 3): the configurable catalogue
-- of categories, each with its deadline in days, and the petitions with their reply, the
-- requester's satisfaction and appeals. A petition is never deleted. Plain SQL with no
-- SQLite-only syntax: the PostgreSQL backend takes the same file.

-- The categories: code is the word the API uses; deadline_days the days a reply is due in
-- after a petition is received (or appealed).
CREATE TABLE petition_categories (
	code          TEXT PRIMARY KEY,
	name_zh       TEXT NOT NULL,
	name_en       TEXT NOT NULL,
	deadline_days INTEGER NOT NULL CHECK (deadline_days BETWEEN 1 AND 90),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort          INTEGER NOT NULL
);
INSERT INTO petition_categories (code, name_zh, name_en, deadline_days, sort) VALUES
	('housing_quality', '住房质量', 'Housing quality', 15, 10),
	('property_management', '物业管理', 'Property management', 7, 20),
	('employment', '就业创业', 'Employment and start-ups', 15, 30),
	('social_security', '社会保障', 'Social security', 15, 40),
	('schooling', '子女就学', 'Schooling of children', 10, 50),
	('health', '看病就医', 'Health care', 10, 60),
	('neighbourhood', '邻里纠纷', 'Neighbourhood disputes', 7, 70),
	('subsidy', '补助补贴', 'Subsidies and allowances', 30, 80),
	('environment', '环境卫生', 'Environment and sanitation', 7, 90),
	('suggestion', '意见建议', 'Suggestions', 30, 100);

-- A petition: where it came in (channel), from whom (a household or a person of it, a name,
-- or no one: anonymous), what about, and where it stands. Days are YYYY-MM-DD text, times
-- UTC text (YYYY-MM-DDTHH:MM:SSZ). deadline is the day the reply is due; an appeal reopens
-- the petition with a new deadline. status: open (awaiting a reply) or replied.
CREATE TABLE petitions (
	id             INTEGER PRIMARY KEY,
	community_code TEXT NOT NULL REFERENCES divisions(code),
	household_id   INTEGER REFERENCES households(id),
	person_id      INTEGER REFERENCES persons(id),
	requester_name TEXT,
	anonymous      INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
	channel        TEXT NOT NULL CHECK (channel IN ('speaking_room', 'letters_and_visits',
				'suggestion_box', 'integration_office', 'talk_booth')),
	category       TEXT NOT NULL REFERENCES petition_categories(code),
	content        TEXT NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('open', 'replied')),
	received_at    TEXT NOT NULL,
	received_on    TEXT NOT NULL,
	opened_on      TEXT NOT NULL,		-- the day received, or of the last appeal
	deadline       TEXT NOT NULL,
	reply          TEXT,
	replied_at     TEXT,
	replied_on     TEXT,
	replied_by     TEXT,
	satisfaction   TEXT CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied',
				'basically_satisfied', 'dissatisfied')),
	appeals        INTEGER NOT NULL DEFAULT 0,
	version        INTEGER NOT NULL DEFAULT 1,
	CHECK (anonymous = 0 OR (household_id IS NULL AND person_id IS NULL AND requester_name IS NULL))
);
CREATE INDEX petitions_community ON petitions(community_code, id);
CREATE INDEX petitions_open ON petitions(status, deadline);
CREATE INDEX petitions_household ON petitions(household_id);

-- Every step of a petition: received, replied, rated, appealed; when, by whom, what.
CREATE TABLE petition_steps (
	id          INTEGER PRIMARY KEY,
	petition_id INTEGER NOT NULL REFERENCES petitions(id),
	kind        TEXT NOT NULL CHECK (kind IN ('received', 'replied', 'rated', 'appealed')),
	at          TEXT NOT NULL,
	user_id     INTEGER,
	username    TEXT NOT NULL,
	text        TEXT
);
CREATE INDEX petition_steps_petition ON petition_steps(petition_id, id);
