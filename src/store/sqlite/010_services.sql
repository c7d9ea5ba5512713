-- 010: life after the move (issue 13, parts 1 and 2): the facilities of a community, the
-- windows of its service centres with the departments serving at each, and the one-stop
-- service requests (一站式服务) with their configurable catalogue of matters. Plain SQL with
-- no SQLite-only syntax: the PostgreSQL backend takes the same file.

-- The kinds of facility: a configurable list (a community adds its own); code is the word
-- the API uses, the names are shown where the catalogues have no word for a kind.
CREATE TABLE facility_kinds (
	code        TEXT PRIMARY KEY,
	name_zh     TEXT NOT NULL,
	name_en     TEXT NOT NULL,
	has_windows INTEGER NOT NULL DEFAULT 0 CHECK (has_windows IN (0, 1)),
	sort        INTEGER NOT NULL
);
INSERT INTO facility_kinds (code, name_zh, name_en, has_windows, sort) VALUES
	('community_service_center', '社区服务中心', 'Community service centre', 1, 10),
	('property_service_center', '物业管理服务中心', 'Property management service centre', 1, 20),
	('employment_service_center', '就业创业服务中心', 'Employment and start-up service centre', 1, 30),
	('civil_affairs_center', '社区民政服务中心', 'Civil affairs service centre', 1, 40),
	('union_youth_women_center', '工青妇综合服务中心', 'Trade union, youth and women''s centre', 1, 50),
	('medical_station', '社区医疗服务站', 'Community medical station', 1, 60),
	('police_office', '社区警务室', 'Community police office', 1, 70),
	('library', '图书室', 'Library', 0, 80),
	('sports_center', '群众体育中心', 'Sports centre', 0, 90),
	('mutual_aid_center', '邻里互助服务中心', 'Neighbourhood mutual-aid centre', 1, 100),
	('convenience_supermarket', '便民超市', 'Convenience supermarket', 0, 110),
	('homesickness_hall', '乡愁馆', 'Homesickness hall', 0, 120),
	('experience_hall', '城市体验馆', 'Urban experience hall', 0, 130);

CREATE TABLE facilities (
	id             INTEGER PRIMARY KEY,
	community_code TEXT NOT NULL REFERENCES divisions(code),
	kind           TEXT NOT NULL REFERENCES facility_kinds(code),
	name           TEXT NOT NULL,
	address        TEXT,			-- building and room, or a street address
	area_m2        INTEGER CHECK (area_m2 IS NULL OR area_m2 > 0),
	opening_hours  TEXT,
	contact        TEXT,			-- a phone number, masked as any phone
	status         TEXT NOT NULL CHECK (status IN ('open', 'planned', 'closed')),
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	UNIQUE (community_code, name)
);
CREATE INDEX facilities_kind ON facilities(kind, community_code, id);

-- The departments that serve at windows and own matters (人社, 民政, 公安, ...).
CREATE TABLE departments (
	code    TEXT PRIMARY KEY,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	sort    INTEGER NOT NULL
);
INSERT INTO departments (code, name_zh, name_en, sort) VALUES
	('human_resources', '人社', 'Human resources and social security', 10),
	('civil_affairs', '民政', 'Civil affairs', 20),
	('public_security', '公安', 'Public security', 30),
	('health', '卫健', 'Health', 40),
	('medical_insurance', '医保', 'Medical insurance', 50),
	('education', '教育', 'Education', 60),
	('union_youth_women', '工青妇', 'Trade union, youth league and women''s federation', 70),
	('housing', '住建', 'Housing', 80),
	('community', '社区', 'Community', 90);

-- A window (窗口) of a facility that has windows, and the departments serving at it.
CREATE TABLE service_windows (
	id          INTEGER PRIMARY KEY,
	facility_id INTEGER NOT NULL REFERENCES facilities(id),
	name        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (facility_id, name)
);
CREATE TABLE window_departments (
	window_id  INTEGER NOT NULL REFERENCES service_windows(id),
	department TEXT NOT NULL REFERENCES departments(code),
	PRIMARY KEY (window_id, department)
);

-- The catalogue of matters (办事事项): each with the department that owns it and the
-- number of working days promised; an administrator adds and changes them.
CREATE TABLE service_matters (
	code          TEXT PRIMARY KEY,
	name_zh       TEXT NOT NULL,
	name_en       TEXT NOT NULL,
	department    TEXT NOT NULL REFERENCES departments(code),
	promised_days INTEGER NOT NULL CHECK (promised_days BETWEEN 1 AND 60),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort          INTEGER NOT NULL
);
INSERT INTO service_matters (code, name_zh, name_en, department, promised_days, sort) VALUES
	('employment_registration', '就业登记', 'Employment registration', 'human_resources', 3, 10),
	('unemployment_registration', '失业登记', 'Unemployment registration', 'human_resources', 3, 20),
	('social_insurance', '城乡居民养老保险参保', 'Pension insurance enrolment', 'human_resources', 5, 30),
	('minimum_living_allowance', '最低生活保障申请', 'Minimum living allowance application', 'civil_affairs', 20, 40),
	('disability_certificate', '残疾人证办理', 'Disability certificate', 'civil_affairs', 15, 50),
	('residence_registration', '户口迁移登记', 'Household registration transfer', 'public_security', 10, 60),
	('residence_certificate', '居住证办理', 'Residence permit', 'public_security', 15, 70),
	('id_card', '居民身份证办理', 'Resident ID card', 'public_security', 20, 80),
	('family_doctor_signing', '家庭医生签约', 'Family doctor contract', 'health', 2, 90),
	('medical_insurance_card', '医保参保与医保卡', 'Medical insurance enrolment and card', 'medical_insurance', 5, 100),
	('school_enrolment', '子女入学申请', 'School enrolment of children', 'education', 10, 110),
	('women_children_assistance', '妇女儿童帮扶', 'Assistance to women and children', 'union_youth_women', 7, 120),
	('housing_repair', '住房维修报修', 'Housing repair', 'housing', 5, 130),
	('certificate_of_residence', '居住证明开具', 'Certificate of residence', 'community', 1, 140);

-- A request: who asked (a person, a household, or a walk-in by name), the matter, the
-- window and channel, and where it stands. Times are UTC text (YYYY-MM-DDTHH:MM:SSZ);
-- due_on is the day the promise runs out (promised working days after the day received);
-- done_seconds, set when it is done, is the time from received to done ("the last mile").
CREATE TABLE service_requests (
	id              INTEGER PRIMARY KEY,
	community_code  TEXT NOT NULL REFERENCES divisions(code),
	household_id    INTEGER REFERENCES households(id),
	person_id       INTEGER REFERENCES persons(id),
	walk_in_name    TEXT,
	matter          TEXT NOT NULL REFERENCES service_matters(code),
	window_id       INTEGER REFERENCES service_windows(id),
	channel         TEXT NOT NULL CHECK (channel IN ('window', 'phone', 'door_to_door', 'online')),
	status          TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'in_progress', 'done',
					'referred', 'rejected')),
	note            TEXT,
	received_at     TEXT NOT NULL,
	received_on     TEXT NOT NULL,
	due_on          TEXT NOT NULL,
	closed_at       TEXT,			-- done, referred or rejected
	closed_on       TEXT,
	done_seconds    INTEGER,
	referred_to     TEXT REFERENCES departments(code),
	receiving_party TEXT,
	reason          TEXT,
	version         INTEGER NOT NULL DEFAULT 1,
	CHECK (household_id IS NOT NULL OR walk_in_name IS NOT NULL)
);
CREATE INDEX service_requests_community ON service_requests(community_code, id);
CREATE INDEX service_requests_open ON service_requests(status, due_on);
CREATE INDEX service_requests_household ON service_requests(household_id);
CREATE INDEX service_requests_matter ON service_requests(matter, received_on);

-- Every move of a request: to which status, when, by whom.
CREATE TABLE service_request_steps (
	id         INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES service_requests(id),
	status     TEXT NOT NULL,
	at         TEXT NOT NULL,
	user_id    INTEGER,
	username   TEXT NOT NULL,
	note       TEXT
);
CREATE INDEX service_request_steps_request ON service_request_steps(request_id, id);

-- Attachments: items of the requesting household's archive.
CREATE TABLE service_request_items (
	request_id INTEGER NOT NULL REFERENCES service_requests(id),
	item_id    INTEGER NOT NULL REFERENCES items(id),
	PRIMARY KEY (request_id, item_id)
);
