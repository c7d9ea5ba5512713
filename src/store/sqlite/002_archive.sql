-- 002: the "one household, one file" archive: document types with their checklists,
-- archive items (件), content-addressed blobs, file versions, fixity checks.

CREATE TABLE doc_types (
	code        TEXT PRIMARY KEY,
	name_zh     TEXT NOT NULL,
	name_en     TEXT NOT NULL,
	retention   TEXT NOT NULL CHECK (retention IN ('permanent', '30y', '10y')),
	required_registered_poor INTEGER NOT NULL DEFAULT 0,   -- on the checklist of that category
	required_synchronous     INTEGER NOT NULL DEFAULT 0,
	sort        INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- The default list for relocation files. The relocation and old-house demolition /
-- reclamation agreement has a public source (Guizhou policy Q&A); the rest is this
-- project's design from what the county's article and poverty-archive rules describe.
INSERT INTO doc_types VALUES
	('application',          '搬迁申请书',               'Relocation application',                 'permanent', 1, 1, 10, 1),
	('relocation_agreement', '搬迁及旧房拆除复垦协议',   'Relocation and old-house demolition/reclamation agreement', 'permanent', 1, 1, 20, 1),
	('housing_allocation',   '安置房分配及入住确认书',   'Housing allocation and move-in confirmation', 'permanent', 1, 1, 30, 1),
	('hukou_transfer',       '户口迁移证明',             'Household registration transfer',       'permanent', 1, 0, 40, 1),
	('id_copies',            '户口簿及身份证复印件',     'Copies of household register and ID cards', '30y',   1, 1, 50, 1),
	('assistance_plan',      '帮扶计划',                 'Assistance plan',                        '30y',      1, 0, 60, 1),
	('employment_form',      '就业信息表',               'Employment information form',            '10y',      0, 0, 70, 1),
	('photos_before_after',  '搬迁前后对比照',           'Photos of the old house and the new home', 'permanent', 1, 1, 80, 1),
	('labor_capacity',       '劳动能力档案',             'Labour capacity record',                 '30y',      0, 0, 90, 1),
	('media_report',         '媒体宣传报道',             'Media report',                           '10y',      0, 0, 100, 1),
	('other',                '其他',                     'Other',                                  '10y',      0, 0, 999, 1);

ALTER TABLE households ADD COLUMN next_item_no INTEGER NOT NULL DEFAULT 1;

CREATE TABLE items (
	id               INTEGER PRIMARY KEY,
	household_id     INTEGER NOT NULL REFERENCES households(id),
	person_id        INTEGER REFERENCES persons(id),     -- set for an item of a person's volume
	item_no          INTEGER NOT NULL,                    -- per household, never reused
	reference_code   TEXT NOT NULL UNIQUE,                -- 档号, see archive.c
	title            TEXT NOT NULL,
	doc_type         TEXT NOT NULL REFERENCES doc_types(code),
	date             TEXT,
	responsible_body TEXT,
	pages            INTEGER,
	duration_seconds REAL,
	retention        TEXT NOT NULL CHECK (retention IN ('permanent', '30y', '10y')),
	paper_location   TEXT,                                -- NULL: electronic only
	status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
	removed_reason   TEXT,
	removed_at       TEXT,
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	UNIQUE (household_id, item_no)
);
CREATE INDEX items_household ON items(household_id, doc_type) WHERE status = 'active';

-- Bytes stored once per content (SHA-256), with what was learnt from them.
CREATE TABLE blobs (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	mime       TEXT NOT NULL,
	width      INTEGER,
	height     INTEGER,
	duration_seconds REAL,
	codec      TEXT,
	thumbnail  TEXT,                                      -- sha256 of the thumbnail blob
	reference  TEXT,                                      -- sha256 of the upright reference copy
	created_at TEXT NOT NULL
) WITHOUT ROWID;

-- A file of an item. Replacing one adds a row that supersedes the old; nothing is deleted.
CREATE TABLE files (
	id           INTEGER PRIMARY KEY,
	item_id      INTEGER NOT NULL REFERENCES items(id),
	item_version INTEGER NOT NULL,
	sha256       TEXT NOT NULL REFERENCES blobs(sha256),
	name         TEXT NOT NULL,
	replaces     INTEGER REFERENCES files(id),
	superseded   INTEGER NOT NULL DEFAULT 0,
	user_id      INTEGER,
	created_at   TEXT NOT NULL
);
CREATE INDEX files_item ON files(item_id);
CREATE INDEX files_sha ON files(sha256);

CREATE TABLE fixity_checks (
	id          INTEGER PRIMARY KEY,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	blobs       INTEGER NOT NULL DEFAULT 0,
	missing     INTEGER NOT NULL DEFAULT 0,
	corrupted   INTEGER NOT NULL DEFAULT 0,
	problems    TEXT                                      -- JSON: [{sha256, problem, items}]
);
