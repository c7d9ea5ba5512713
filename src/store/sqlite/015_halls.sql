-- 015: the two halls (两馆, issue 13 part 8): the Tuanshan Homesickness Hall and the Yucai
-- Urban Experience Hall are facilities (010) of the kinds homesickness_hall and
-- experience_hall; here their sections (chapters) in order, their exhibits, and their
-- visits with the households represented. Plain SQL with no SQLite-only syntax: the
-- PostgreSQL backend takes the same file.

-- A section or chapter of a hall (感恩, 寻根, 记忆, 展望), shown in `position` order.
CREATE TABLE hall_sections (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	position    INTEGER NOT NULL CHECK (position >= 1),
	name        TEXT NOT NULL,
	description TEXT,
	created_at  TEXT NOT NULL,
	UNIQUE (facility_id, name)
);
CREATE INDEX hall_sections_facility ON hall_sections(facility_id, position, id);

-- An exhibit of a section: a picture, an object, a recording or a video. Its media are an
-- archive item (a household's donation, in that household's file); an object the hall
-- holds itself is described, without an item.
CREATE TABLE hall_exhibits (
	id          INTEGER PRIMARY KEY,
	section_id  INTEGER NOT NULL REFERENCES hall_sections(id),
	position    INTEGER NOT NULL CHECK (position >= 1),
	kind        TEXT NOT NULL CHECK (kind IN ('picture', 'object', 'audio', 'video')),
	title       TEXT NOT NULL,
	description TEXT,
	item_id     INTEGER REFERENCES items(id),
	created_at  TEXT NOT NULL,
	CHECK (item_id IS NOT NULL OR kind = 'object')
);
CREATE INDEX hall_exhibits_section ON hall_exhibits(section_id, position, id);
CREATE INDEX hall_exhibits_item ON hall_exhibits(item_id);

-- A visit of a group: the day, the group, how many people (at least one), the guide.
CREATE TABLE hall_visits (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	visited_on  TEXT NOT NULL,
	group_name  TEXT NOT NULL,
	people      INTEGER NOT NULL CHECK (people >= 1),
	guide       TEXT,
	note        TEXT,
	created_at  TEXT NOT NULL
);
CREATE INDEX hall_visits_facility ON hall_visits(facility_id, visited_on, id);

-- The households a visit represented (optional).
CREATE TABLE hall_visit_households (
	visit_id     INTEGER NOT NULL REFERENCES hall_visits(id),
	household_id INTEGER NOT NULL REFERENCES households(id),
	PRIMARY KEY (visit_id, household_id)
);
CREATE INDEX hall_visit_households_household ON hall_visit_households(household_id);
