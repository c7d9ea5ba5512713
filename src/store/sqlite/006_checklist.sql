-- 006: the archive checklist, defined once. Which document types a household's file must
-- hold was written in several places (C, macros and the archive_incomplete rule's detail
-- in 003); from here on it is these two views, and src/domain/checklist.c reads them for
-- every use (see docs/decisions.md, 2026-11-29).

-- The active document types each household category requires, one row per pair.
CREATE VIEW checklist (category, code, sort) AS
	SELECT 'registered_poor', code, sort FROM doc_types
	WHERE active = 1 AND required_registered_poor = 1
	UNION ALL
	SELECT 'synchronous', code, sort FROM doc_types
	WHERE active = 1 AND required_synchronous = 1;

-- The required types a household's file lacks: no active item of that type.
CREATE VIEW checklist_missing (household_id, code, sort) AS
	SELECT h.id, c.code, c.sort FROM households h JOIN checklist c ON c.category = h.category
	WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.household_id = h.id
	                  AND i.doc_type = c.code AND i.status = 'active');

-- The archive_incomplete rule shows what its households lack (codes in code order, as the
-- detail 003 wrote did) from the view rather than from its own copy of the checklist.
UPDATE followup_rules SET detail = 'SELECT group_concat(code) FROM (SELECT code FROM checklist_missing WHERE household_id = ? ORDER BY code)'
WHERE key = 'archive_incomplete';
