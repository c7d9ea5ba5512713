-- 003: services during and after relocation — the employment volume of each person (jobs,
-- trainings), the three guarantees, schooling and family doctors, the three plots, the
-- relocation steps with the people answerable for them, visits, and the follow-up rules.

-- Ages and periods the rules use; admins change them (audited), never code.
CREATE TABLE followup_settings (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL,
	min   INTEGER NOT NULL,
	max   INTEGER NOT NULL,
	CHECK (value BETWEEN min AND max)
) WITHOUT ROWID;
INSERT INTO followup_settings VALUES
	('labor_age_min',   16, 14, 20),   -- labor force: aged labor_age_min..labor_age_max
	('labor_age_max',   60, 50, 70),
	('school_age_min',   6,  3,  8),   -- compulsory schooling: school_age_min..school_age_max
	('school_age_max',  15, 12, 18),
	('pension_age',     60, 45, 70),
	('idle_months',     12,  1, 36),   -- idle labor: neither job nor training for this long
	('visit_days',      90,  7, 365),  -- a household not visited for this long
	('step_grace_days',  0,  0, 365);  -- a relocation step is overdue this long after its due date

-- The follow-up rules, as data. `condition` lists the facts that must all hold for a
-- person or household to be on the rule's worklist ('!' negates); the facts are worked out
-- from the records in one pass (see followup_pass.h for each fact's meaning). `detail` is
-- a query for what the worklist shows beside an entry: it reads the one-row table k of
-- the pass's dates and takes the entry's person or household id as its one parameter.
-- A record stays on a list while it meets the condition and leaves once it is put right.
CREATE TABLE followup_rules (
	key       TEXT PRIMARY KEY,
	level     TEXT NOT NULL CHECK (level IN ('household', 'person')),
	setting   TEXT REFERENCES followup_settings(key),   -- the parameter it reads, if one
	active    INTEGER NOT NULL DEFAULT 1,
	sort      INTEGER NOT NULL,
	condition TEXT NOT NULL,
	detail    TEXT
) WITHOUT ROWID;
INSERT INTO followup_rules VALUES ('zero_employment', 'household', 'labor_age_max', 1, 10, 'relocated has_labor !has_employed',
	'SELECT count(*) FROM persons p, k WHERE p.household_id = ? AND p.status = ''member'' AND p.labor_capacity IN (''ordinary'', ''skilled'', ''weak'') AND p.birth_date > k.labor_born_after AND p.birth_date <= k.labor_born_by');
INSERT INTO followup_rules VALUES ('idle_labor', 'person', 'idle_months', 1, 20, 'relocated labor !worked_recently !trained_recently',
	'SELECT labor_capacity FROM persons WHERE id = ?');
INSERT INTO followup_rules VALUES ('training_target', 'person', NULL, 1, 25, 'labor !skilled | labor !employed',
	'SELECT labor_capacity FROM persons WHERE id = ?');
INSERT INTO followup_rules VALUES ('child_not_enrolled', 'person', 'school_age_max', 1, 30, 'school_age !enrolled',
	'SELECT coalesce((SELECT reason FROM schooling WHERE person_id = ?), ''no_record'')');
INSERT INTO followup_rules VALUES ('no_medical_insurance', 'person', NULL, 1, 40, '!medical',
	NULL);
INSERT INTO followup_rules VALUES ('no_pension_insurance', 'person', 'pension_age', 1, 50, 'pension_age !pension',
	'SELECT birth_date FROM persons WHERE id = ?');
INSERT INTO followup_rules VALUES ('archive_incomplete', 'household', NULL, 1, 60, 'archive_incomplete',
	'SELECT group_concat(d.code) FROM households h JOIN doc_types d ON d.active = 1 AND CASE h.category WHEN ''registered_poor'' THEN d.required_registered_poor ELSE d.required_synchronous END = 1 WHERE h.id = ? AND NOT EXISTS (SELECT 1 FROM items i WHERE i.household_id = h.id AND i.doc_type = d.code AND i.status = ''active'')');
INSERT INTO followup_rules VALUES ('step_overdue', 'household', 'step_grace_days', 1, 70, 'step_overdue',
	'SELECT group_concat(step) FROM relocation_steps, k WHERE household_id = ? AND done_date IS NULL AND due_date < k.due_before');
INSERT INTO followup_rules VALUES ('visit_overdue', 'household', 'visit_days', 1, 80, 'relocated !visited_recently',
	'SELECT max(date) FROM visits WHERE household_id = ?');

-- Employers, among them the community's "three places" (collective companies, workshops,
-- public service stations).
CREATE TABLE employers (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL CHECK (kind IN ('collective_company', 'workshop',
	                                         'public_service_station', 'enterprise', 'other')),
	community  TEXT REFERENCES divisions(code),
	created_at TEXT NOT NULL
);

CREATE TABLE jobs (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons(id),
	type           TEXT NOT NULL CHECK (type IN ('county', 'province', 'outside_province',
	                     'public_welfare', 'workshop', 'self_employed', 'flexible')),
	employer_id    INTEGER REFERENCES employers(id),
	employer       TEXT NOT NULL,
	start_date     TEXT NOT NULL,
	end_date       TEXT,                                 -- NULL: still working there
	monthly_income INTEGER CHECK (monthly_income >= 0),  -- yuan
	main           INTEGER NOT NULL DEFAULT 0 CHECK (main IN (0, 1)),
	created_at     TEXT NOT NULL,
	CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX jobs_person ON jobs(person_id, start_date);

CREATE TABLE trainings (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES persons(id),
	type        TEXT NOT NULL CHECK (type IN ('orientation', 'skills', 'entrepreneurship')),
	course      TEXT NOT NULL,
	hours       REAL NOT NULL CHECK (hours > 0),
	start_date  TEXT NOT NULL,
	end_date    TEXT NOT NULL,
	certificate TEXT,
	created_at  TEXT NOT NULL,
	CHECK (end_date >= start_date)
);
CREATE INDEX trainings_person ON trainings(person_id, end_date);

-- The three guarantees; a change of status is a new row, the old one kept.
CREATE TABLE guarantees (
	id         INTEGER PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	kind       TEXT NOT NULL CHECK (kind IN ('minimum_living', 'medical_insurance',
	                                         'pension_insurance')),
	status     TEXT NOT NULL CHECK (status IN ('enrolled', 'not_enrolled', 'stopped')),
	start_date TEXT NOT NULL,
	end_date   TEXT,
	note       TEXT,
	created_at TEXT NOT NULL,
	CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX guarantees_person ON guarantees(person_id, kind);

-- Schooling of school-age children and the family-doctor sign-up (the other two issues).
CREATE TABLE schooling (
	person_id  INTEGER PRIMARY KEY REFERENCES persons(id),
	status     TEXT NOT NULL CHECK (status IN ('enrolled', 'not_enrolled')),
	school     TEXT,
	grade      TEXT,
	reason     TEXT,
	updated_at TEXT NOT NULL,
	CHECK (status = 'not_enrolled' OR school IS NOT NULL),
	CHECK (status = 'enrolled' OR reason IS NOT NULL)
);

CREATE TABLE family_doctors (
	person_id  INTEGER PRIMARY KEY REFERENCES persons(id),
	signed     INTEGER NOT NULL CHECK (signed IN (0, 1)),
	date       TEXT,
	doctor     TEXT,
	updated_at TEXT NOT NULL
);

-- The three plots left behind.
CREATE TABLE plots (
	household_id  INTEGER NOT NULL REFERENCES households(id),
	kind          TEXT NOT NULL CHECK (kind IN ('contracted', 'forest', 'homestead')),
	area_mu       REAL NOT NULL CHECK (area_mu > 0),
	use           TEXT NOT NULL CHECK (use IN ('transferred', 'shares', 'reclaimed',
	                                           'self_farmed', 'idle')),
	annual_income INTEGER CHECK (annual_income >= 0),    -- yuan a year
	PRIMARY KEY (household_id, kind)
) WITHOUT ROWID;

-- During relocation: who answers for the household, and its steps.
CREATE TABLE relocation_support (
	household_id       INTEGER PRIMARY KEY REFERENCES households(id),
	responsible_person TEXT,
	responsible_phone  TEXT,
	village_command    TEXT,
	town_command       TEXT
);

CREATE TABLE relocation_steps (
	household_id     INTEGER NOT NULL REFERENCES households(id),
	step             TEXT NOT NULL CHECK (step IN ('registration', 'hukou_transfer', 'moving',
	                                               'move_in', 'formalities')),
	due_date         TEXT,
	done_date        TEXT,
	done_by          TEXT,
	evidence_item_id INTEGER REFERENCES items(id),
	PRIMARY KEY (household_id, step)
) WITHOUT ROWID;
CREATE INDEX relocation_steps_open ON relocation_steps(due_date) WHERE done_date IS NULL;

CREATE TABLE visits (
	id           INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES households(id),
	date         TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('visit', 'return_visit')),
	visitor      TEXT NOT NULL,
	found        TEXT NOT NULL,
	user_id      INTEGER,
	created_at   TEXT NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, date);

-- The items of persons' volumes (一人一卷), e.g. their labor-capacity records.
CREATE INDEX items_person ON items(person_id, doc_type) WHERE person_id IS NOT NULL;

-- The follow-up pass reads every member's household, birth date and capacity: a covering
-- index halves that scan at province scale (see followup_pass.c).
CREATE INDEX persons_followup ON persons(status, household_id, birth_date, labor_capacity);
