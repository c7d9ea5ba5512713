/* pages_forms: what the pages' forms share (page.h): showing a form, taking the one a
 * POST sent, answering its write, its fields, a body from it, and the catalogues (kinds,
 * matters, departments, categories) as options and names. */
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

void page_form_show(struct request *rq, page_form_fn show)
{
	page_lang(rq);
	json_t *form = json_object();
	show(rq, 200, form);
	json_decref(form);
}

json_t *page_form_posted(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f)	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
	return f;
}

const char *page_saved_url(struct request *rq, const char *to, const char *saved)
{
	if (rq->cx.unchanged)	/* a write that changed nothing wrote nothing: say so */
		saved = "nothing";
	to = page_without_saved(rq, to);	/* one confirmation, ours */
	const char *hash = strchr(to, '#');
	size_t path = hash ? (size_t)(hash - to) : strlen(to);
	const char *q = memchr(to, '?', path);
	char mac[PAGE_SAVED_MAC_LEN + 1];
	page_saved_mac(rq->token, saved, to, q ? (size_t)(q - to) : path, mac);
	return arena_printf(&rq->arena, "%.*s%csaved=%s&mac=%s%s", (int)path, to, q ? '&' : '?',
			    saved, mac, hash ? hash : "");
}

void page_saved(struct request *rq, const char *to, const char *saved)
{
	page_redirect(rq, page_saved_url(rq, to, saved));
}

void page_after_write(struct request *rq, enum outcome res, const char *done, const char *saved,
		      page_form_fn again, json_t *form)
{
	if (res == OUT_OK)
		page_saved(rq, done, saved);
	else if (res == OUT_INVALID)
		again(rq, outcome_status(OUT_INVALID), form);
	else
		page_outcome(rq, res);
}

json_t *page_field_as(struct request *rq, json_t *form, const char *name, const char *body_key,
		      const char *label_key, json_t *options)
{
	json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", name, "label",
			       msg_get(rq->lang, label_key), "value", page_form_value(form, name),
			       "select", options != NULL);
	if (options)
		json_object_set_new(fd, "options", options);
	json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, body_key)));
	return fd;
}

json_t *page_field(struct request *rq, json_t *form, const char *name, const char *label_key,
		   json_t *options)
{
	return page_field_as(rq, form, name, name, label_key, options);
}

json_t *page_body_of(json_t *form, const char *const *names, const char *const *integers)
{
	json_t *body = json_object();
	for (int k = 0; names[k]; k++) {
		const char *v = page_form_value(form, names[k]);
		if (!*v)
			continue;
		char *end;
		long long n = strtoll(v, &end, 10);
		if (jx_in(names[k], integers) && *end == '\0' && end != v)
			json_object_set_new(body, names[k], json_integer(n));
		else
			json_object_set_new(body, names[k], json_string(v));
	}
	return body;
}

json_t *page_catalogue(enum outcome (*list)(struct ctx *, json_t **), struct ctx *cx)
{
	json_t *out = NULL;
	if (list(cx, &out) != OUT_OK)
		return json_array();
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	return items;
}

json_t *page_catalogue_options(struct request *rq, json_t *rows, const char *selected,
			       bool active_only)
{
	json_t *arr = json_array(), *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		if (!active_only || json_is_true(json_object_get(r, "active")))
			json_array_append_new(arr, json_pack("{s:s, s:O, s:b}", "value", code, "label",
				json_object_get(r, rq->lang == LANG_EN ? "name_en" : "name_zh"),
				"selected", selected && strcmp(selected, code) == 0));
	}
	return arr;
}

const char *page_catalogue_name(struct request *rq, json_t *rows, const char *code)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r)
		if (code && strcmp(code, json_string_value(json_object_get(r, "code"))) == 0)
			return json_string_value(json_object_get(r, rq->lang == LANG_EN ? "name_en"
								 : "name_zh"));
	return code;
}
