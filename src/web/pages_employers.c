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
	json_t *fields = json_array(), *fd;
	static const char *const names[] = {"name", "kind", "community", NULL};
	static const char *const labels[] = {"field_employer", "field_employer_kind", "col_destination"};
	for (int k = 0; names[k]; k++) {
		const char *v = page_form_value(form, names[k]);
		fd = json_pack("{s:s, s:s, s:s, s:b}", "name", names[k], "label",
			       msg_get(rq->lang, labels[k]), "value", v, "select", k > 0);
		json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, names[k])));
		if (k == 1)
			json_object_set_new(fd, "options", page_code_options(rq, employers_kinds, "employer", v));
		else if (k == 2)
			json_object_set_new(fd, "options", page_place_options(rq, true, v));
		json_array_append_new(fields, fd);
	}
	json_object_set_new(list, "fields", fields);
	json_object_set_new(list, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	if (status != 200)
		json_object_set_new(list, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "employers", "nav_employers", list);
}

void page_employers(struct request *rq)
{
	page_lang(rq);
	json_t *form = json_object();
	employers_page(rq, 200, form);
	json_decref(form);
}

void page_employers_post(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq), *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_t *body = json_object();
	static const char *const names[] = {"name", "kind", "community", NULL};
	for (int k = 0; names[k]; k++)
		if (*page_form_value(f, names[k]))
			json_object_set_new(body, names[k], json_string(page_form_value(f, names[k])));
	enum outcome res = employers_create(&rq->cx, body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK)
		page_redirect(rq, "/employers?saved=employer");
	else if (res == OUT_INVALID)
		employers_page(rq, outcome_status(OUT_INVALID), f);
	else
		page_outcome(rq, res);
	json_decref(f);
}
