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
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	audit_read(&rq->cx, "read", "person", rq->ids[0], 1, "page");
	json_t *one = json_array();
	json_array_append(one, p);
	page_present_members(rq, one);
	json_decref(one);
	json_t *data = json_pack("{s:o, s:b, s:b}", "p", p, "can_reveal",
				 role_can_reveal(rq->actor.role),
				 "can_edit", role_can_edit_registry(rq->actor.role));
	if (revealed)
		json_object_set_new(data, "revealed", json_string(revealed));
	page_followup_person_sections(rq, rq->ids[0], data);
	page_render(rq, 200, "person", "nav_households", data);
}

void page_person(struct request *rq)
{
	person_page(rq, NULL);
}

/* Shows one full ID number, deliberately asked for, once its reveal is in the audit log
 * (person_reveal_id_number). */
void page_person_reveal(struct request *rq)
{
	char number[19];
	enum outcome res = person_reveal_id_number(&rq->cx, rq->ids[0], number);
	if (res != OUT_OK) {
		page_outcome(rq, res);
		return;
	}
	person_page(rq, number);
}
