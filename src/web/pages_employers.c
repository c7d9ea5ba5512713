/*
 * pages_employers: the employer register (enterprises, workshops, cooperatives where the
 * relocated work): the list for every reader, and the form that adds one for those who
 * keep the registry.
 */
#include "domain/division.h"
#include "domain/employers.h"
#include "web/page.h"

static void employers_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *list = NULL, *e;
	size_t i;
	enum outcome got = employers_list(&rq->cx, &list);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_array_foreach(json_object_get(list, "items"), i, e) {
		page_label(rq, e, "kind", "employer");
		const char *community = json_string_value(json_object_get(e, "community"));
		char name[128] = "";
		if (community)	/* the community by its name */
			division_name(rq->cx.db, community, name, sizeof(name));
		if (*name)
			json_object_set_new(e, "community", json_string(name));
	}
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "name", "field_employer", NULL));
	json_array_append_new(fields, page_field(rq, form, "kind", "field_employer_kind",
		page_code_options(rq, employers_kinds, "employer", page_form_value(form, "kind"))));
	json_array_append_new(fields, page_field(rq, form, "community", "col_destination",
		page_place_options(rq, true, page_form_value(form, "community"))));
	json_object_set_new(list, "fields", fields);
	json_object_set_new(list, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	if (status != 200)
		json_object_set_new(list, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "employers", "nav_employers", list);
}

void page_employers(struct request *rq) { page_form_show(rq, employers_page); }

void page_employers_post(struct request *rq)
{
	static const char *const names[] = {"name", "kind", "community", NULL};
	static const char *const none[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, none);
	enum outcome res = employers_create(&rq->cx, body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, "/employers", "employer", employers_page, f);
	json_decref(f);
}
