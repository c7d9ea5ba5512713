-- 013: 邻里大家走 and 致富大家干 (issue 13, parts 5 and 7): community activities with the
-- attendance of persons, and the start-up (business) register with its founders and the
-- support it received, linked to the employment ledger (a job may point to a business) and
-- home employment (居家就业) as a job type. Plain SQL with no SQLite-only syntax: the
-- PostgreSQL backend takes the same file.

-- The kinds of activity: a configurable list (an administrator adds and retires kinds).
CREATE TABLE activity_kinds (
	code    TEXT PRIMARY KEY,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort    INTEGER NOT NULL
);
INSERT INTO activity_kinds (code, name_zh, name_en, sort) VALUES
	('culture', '文艺活动', 'Culture and arts', 10),
	('sports', '群众体育', 'Sports', 20),
	('festival', '传统节日', 'Traditional festival', 30),
	('neighbourhood', '邻里节', 'Neighbourhood gathering', 40),
	('volunteer', '志愿服务', 'Volunteer service', 50),
	('party', '党建活动', 'Party-building activity', 60),
	('health', '健康讲座', 'Health talk', 70),
	('skills', '技能培训', 'Skills training', 80),
	('children', '儿童活动', 'Children''s activity', 90),
	('elderly', '敬老活动', 'Activity for the elderly', 100);

-- An activity of a community: held_on is its day (YYYY-MM-DD).
CREATE TABLE activities (
	id             INTEGER PRIMARY KEY,
	community_code TEXT NOT NULL REFERENCES divisions(code),
	kind           TEXT NOT NULL REFERENCES activity_kinds(code),
	title          TEXT NOT NULL,
	held_on        TEXT NOT NULL,
	place          TEXT NOT NULL,
	organiser      TEXT NOT NULL,
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL
);
CREATE INDEX activities_community ON activities(community_code, held_on);
CREATE INDEX activities_day ON activities(held_on, id);

-- Who attended: a person, with the household they belonged to when they came (participation
-- is counted by household).
CREATE TABLE activity_attendance (
	id           INTEGER PRIMARY KEY,
	activity_id  INTEGER NOT NULL REFERENCES activities(id),
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	household_id INTEGER NOT NULL REFERENCES households(id),
	created_at   TEXT NOT NULL,
	UNIQUE (activity_id, person_id)
);
CREATE INDEX activity_attendance_household ON activity_attendance(household_id, activity_id);
CREATE INDEX activity_attendance_person ON activity_attendance(person_id);

-- A start-up (创业实体): founded by persons of the register, employing employees (as
-- declared); status operating, suspended or closed.
CREATE TABLE businesses (
	id             INTEGER PRIMARY KEY,
	community_code TEXT NOT NULL REFERENCES divisions(code),
	name           TEXT NOT NULL,
	kind           TEXT NOT NULL CHECK (kind IN ('retail', 'catering', 'handicraft', 'farming',
				'services', 'transport', 'ecommerce', 'workshop', 'other')),
	address        TEXT,
	founded_on     TEXT NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('operating', 'suspended', 'closed')),
	employees      INTEGER NOT NULL CHECK (employees >= 0),
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	UNIQUE (community_code, name)
);
CREATE INDEX businesses_kind ON businesses(kind, community_code);

CREATE TABLE business_founders (
	business_id INTEGER NOT NULL REFERENCES businesses(id),
	person_id   INTEGER NOT NULL REFERENCES persons(id),
	PRIMARY KEY (business_id, person_id)
);
CREATE INDEX business_founders_person ON business_founders(person_id);

-- Support a business received: a loan (创业担保贷款), a subsidy or training; amount in yuan
-- (training: its cost, 0 when free), granted_on its day, source who gave it.
CREATE TABLE business_support (
	id          INTEGER PRIMARY KEY,
	business_id INTEGER NOT NULL REFERENCES businesses(id),
	kind        TEXT NOT NULL CHECK (kind IN ('loan', 'subsidy', 'training')),
	amount      INTEGER NOT NULL CHECK (amount >= 0),
	granted_on  TEXT NOT NULL,
	source      TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX business_support_business ON business_support(business_id, granted_on);

-- The jobs again, with home employment ('home', 居家就业) among the types and the business a
-- job is at (a founder's self-employment, or work in it). A CHECK cannot be changed in
-- place, so the table is rebuilt: nothing refers to jobs.
CREATE TABLE jobs_013 (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons(id),
	type           TEXT NOT NULL CHECK (type IN ('county', 'province', 'outside_province',
	                     'public_welfare', 'workshop', 'self_employed', 'flexible', 'home')),
	employer_id    INTEGER REFERENCES employers(id),
	employer       TEXT NOT NULL,
	start_date     TEXT NOT NULL,
	end_date       TEXT,
	monthly_income INTEGER CHECK (monthly_income >= 0),
	main           INTEGER NOT NULL DEFAULT 0 CHECK (main IN (0, 1)),
	created_at     TEXT NOT NULL,
	business_id    INTEGER REFERENCES businesses(id),
	CHECK (end_date IS NULL OR end_date >= start_date)
);
INSERT INTO jobs_013 (id, person_id, type, employer_id, employer, start_date, end_date,
		      monthly_income, main, created_at)
	SELECT id, person_id, type, employer_id, employer, start_date, end_date, monthly_income,
	       main, created_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_013 RENAME TO jobs;
CREATE INDEX jobs_person ON jobs(person_id, start_date);
CREATE INDEX jobs_business ON jobs(business_id);
CREATE INDEX jobs_type ON jobs(type, end_date);

-- Participation counts the households of a community that are not closed, within a scope:
-- from this index alone.
CREATE INDEX households_dest_participation ON households(dest_community, status, origin_village);
