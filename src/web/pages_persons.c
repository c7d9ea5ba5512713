/* pages_persons: a person's page (their volume) and the audited reveal of an ID number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/person.h"
#include "web/api_audit.h"
#include "web/page.h"
#include "web/pages_followup.h"

/* ---------------------------------------------------------------- a person's volume */

static void person_page(struct request *rq, const char *revealed)
{
	page_lang(rq);
	json_t *p = person_load(&rq->cx, rq->ids[0]);
	if (!p) {
		page_error(rq, 404, "problem_not_found");
		return;
	}
	audit_read(&rq->cx, "read", "person", rq->ids[0], 1, "page");
	json_t *one = json_array();
	json_array_append(one, p);
	page_present_members(rq, one);
	json_decref(one);
	json_t *data = json_pack("{s:o, s:b, s:b}", "p", p, "can_reveal",
				 role_can_edit_registry(rq->actor.role) || rq->actor.role == ROLE_AUDITOR,
				 "can_edit", role_can_edit_registry(rq->actor.role));
	if (revealed)
		json_object_set_new(data, "revealed", json_string(revealed));
	followup_person_sections(rq, rq->ids[0], data);
	page_render(rq, 200, "person", "nav_households", data);
}

void page_person(struct request *rq)
{
	person_page(rq, NULL);
}

/* Shows one full ID number, deliberately asked for, and writes the reveal to the audit log
 * in the same transaction. */
void page_person_reveal(struct request *rq)
{
	if (!role_can_edit_registry(rq->actor.role) && rq->actor.role != ROLE_AUDITOR) {
		page_error(rq, 403, "problem_forbidden");
		return;
	}
	json_t *p = person_load(&rq->cx, rq->ids[0]);
	if (!p) {
		page_error(rq, 404, "problem_not_found");
		return;
	}
	char number[19];
	snprintf(number, sizeof(number), "%s", json_string_value(json_object_get(p, "id_number")));
	json_decref(p);
	json_t *what = json_pack("{s:s}", "field", "id_number");
	int rc = store_begin(rq->cx.db);
	if (rc == STORE_OK)
		rc = audit_write(&rq->cx, "reveal", "person", rq->ids[0], NULL, what);
	json_decref(what);
	if (rc != STORE_OK || store_commit(rq->cx.db) != STORE_OK) {
		store_rollback(rq->cx.db);
		page_error(rq, 500, "problem_internal");
		return;
	}
	person_page(rq, number);
}
