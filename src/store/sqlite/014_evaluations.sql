-- 014: 文明大家比 / 陋习大家改, evaluations of model households and persons (issue 13, part 6):
-- a scheme (卫生示范户, 文明示范户, ... for a period, in a community or a town) with its
-- criteria and weights, the subjects it scores, every evaluator's score of a subject on a
-- criterion, and, once approved, each subject's result (weighted score, rank, awarded).
-- Plain SQL with no SQLite-only syntax: the PostgreSQL backend takes the same file.

-- A scheme. subject: what it evaluates, households or persons. division_code: the community
-- (12 digits) or town (9) it runs in. Its period is period_from..period_to (YYYY-MM-DD) and
-- `year` the year of period_to (the figures count awards by it). The award rule is one of
-- award_threshold (a weighted score 0..100 at least this) or award_top (the N best, ties at
-- the N-th place included). status: open (scores may change), approved (results computed
-- and frozen: approved_at/by), published (the list is out: published_at/by). Times UTC text.
CREATE TABLE evaluation_schemes (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL CHECK (kind IN ('hygiene_household', 'civilized_household',
				'entrepreneur_household', 'moral_household', 'law_abiding_citizen',
				'civilized_resident')),
	title           TEXT NOT NULL,
	subject         TEXT NOT NULL CHECK (subject IN ('household', 'person')),
	division_code   TEXT NOT NULL REFERENCES divisions(code),
	period_from     TEXT NOT NULL,
	period_to       TEXT NOT NULL,
	year            INTEGER NOT NULL,
	award_threshold REAL CHECK (award_threshold IS NULL OR (award_threshold >= 0 AND award_threshold <= 100)),
	award_top       INTEGER CHECK (award_top IS NULL OR award_top >= 1),
	status          TEXT NOT NULL CHECK (status IN ('open', 'approved', 'published')),
	created_at      TEXT NOT NULL,
	created_by      TEXT NOT NULL,
	approved_at     TEXT,
	approved_by     TEXT,
	published_at    TEXT,
	published_by    TEXT,
	version         INTEGER NOT NULL DEFAULT 1,
	CHECK (period_from <= period_to),
	CHECK ((award_threshold IS NULL AND award_top IS NOT NULL)
	       OR (award_threshold IS NOT NULL AND award_top IS NULL))
);
CREATE INDEX evaluation_schemes_division ON evaluation_schemes(division_code, id);

-- A criterion of a scheme: a score range min_score..max_score and a positive weight (the
-- weights of a scheme sum to 100). code names it in the API's scores.
CREATE TABLE evaluation_criteria (
	id        INTEGER PRIMARY KEY,
	scheme_id INTEGER NOT NULL REFERENCES evaluation_schemes(id),
	position  INTEGER NOT NULL,
	code      TEXT NOT NULL,
	name      TEXT NOT NULL,
	min_score REAL NOT NULL,
	max_score REAL NOT NULL,
	weight    REAL NOT NULL CHECK (weight > 0),
	CHECK (min_score < max_score),
	UNIQUE (scheme_id, code)
);

-- A subject of a scheme: a household, or a person (with the person's household, so the
-- household's file shows it). subject_key is 'h' || household id or 'p' || person id.
-- total (0..100), rank and awarded are written when the scheme is approved.
CREATE TABLE evaluation_subjects (
	id           INTEGER PRIMARY KEY,
	scheme_id    INTEGER NOT NULL REFERENCES evaluation_schemes(id),
	subject_key  TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households(id),
	person_id    INTEGER REFERENCES persons(id),
	total        REAL,
	rank         INTEGER,
	awarded      INTEGER NOT NULL DEFAULT 0 CHECK (awarded IN (0, 1)),
	UNIQUE (scheme_id, subject_key)
);
CREATE INDEX evaluation_subjects_household ON evaluation_subjects(household_id);

-- One evaluator's score of one subject on one criterion; changed in place until the scheme
-- is approved. evaluator is a name (a member of the evaluation panel); scored_by the user
-- who recorded it.
CREATE TABLE evaluation_scores (
	id           INTEGER PRIMARY KEY,
	subject_id   INTEGER NOT NULL REFERENCES evaluation_subjects(id),
	criterion_id INTEGER NOT NULL REFERENCES evaluation_criteria(id),
	evaluator    TEXT NOT NULL,
	score        REAL NOT NULL,
	scored_at    TEXT NOT NULL,
	scored_by    TEXT NOT NULL,
	UNIQUE (subject_id, criterion_id, evaluator)
);
