/* pages_api_docs: the page /docs/api, the API's contract (web/openapi.json) made readable
 * on the server: every operation by tag with its parameters, body and answers, then every
 * schema. No script and nothing from another site, so the pages' CSP holds; the page's
 * words come from the catalogues, an operation's summary in Chinese from the document's
 * x-summary-zh-CN (the document is where an operation is described, once). */
#include <string.h>

#include "web/api_openapi.h"
#include "web/page.h"

#define SCHEMA_PREFIX "#/components/schemas/"

/* A "$ref" into the document: the node it names, or NULL. */
static const json_t *resolve(const json_t *doc, const char *ref)
{
	const json_t *node = doc;
	char part[128];
	if (!ref || ref[0] != '#')
		return NULL;
	for (const char *p = ref + 1; p && *p == '/' && node;) {
		const char *end = strchr(p + 1, '/');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p + 1, n);
		part[n] = 0;
		node = json_object_get(node, part);
		p = end;
	}
	return node;
}

/* The name of a schema a "$ref" points at ("Person"), or NULL. */
static const char *ref_name(const json_t *schema)
{
	const char *ref = json_string_value(json_object_get(schema, "$ref"));
	if (ref && strncmp(ref, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)) == 0)
		return ref + strlen(SCHEMA_PREFIX);
	return NULL;
}

/* A schema's type in words: "string", "integer or null", "array"; its constraints
 * (enum, format, lengths, ranges) in `note`. */
static void describe(struct request *rq, const json_t *schema, json_t *out)
{
	struct buf t = BUF_INIT, n = BUF_INIT;
	const json_t *type = json_object_get(schema, "type"), *v;
	size_t i;
	const char *ref = ref_name(schema);
	if (json_is_string(type)) {
		buf_puts(&t, json_string_value(type));
	} else if (json_is_array(type)) {
		json_array_foreach(type, i, v)
			buf_printf(&t, "%s%s", i ? " | " : "", json_string_value(v));
	} else if (!ref) {
		buf_puts(&t, json_object_get(schema, "anyOf") ? "one of" : "any");
	}
	const json_t *items = json_object_get(schema, "items");
	const char *item_ref = ref_name(items);
	if (items && !item_ref && json_is_string(json_object_get(items, "type")))
		buf_printf(&t, " of %s", json_string_value(json_object_get(items, "type")));
	if (json_is_string(json_object_get(schema, "format")))
		buf_printf(&n, "%s ", json_string_value(json_object_get(schema, "format")));
	const json_t *en = json_object_get(schema, "enum");
	if (!en && items)
		en = json_object_get(items, "enum");
	if (json_is_array(en)) {
		buf_printf(&n, "%s ", msg_get(rq->lang, "api_docs_one_of"));
		json_array_foreach(en, i, v)
			if (json_is_string(v))
				buf_printf(&n, "%s%s", i ? ", " : "", json_string_value(v));
		buf_putc(&n, ' ');
	}
	static const char *const limits[][2] = {{"maxLength", "≤ %lld chars "},
		{"minimum", "≥ %lld "}, {"maximum", "≤ %lld "}, {"minItems", "≥ %lld items "},
		{"maxItems", "≤ %lld items "}};
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		const json_t *lim = json_object_get(schema, limits[k][0]);
		if (json_is_number(lim))
			buf_printf(&n, limits[k][1], (long long)json_number_value(lim));
	}
	if (json_is_string(json_object_get(schema, "pattern")))
		buf_printf(&n, "/%s/ ", json_string_value(json_object_get(schema, "pattern")));
	if (json_is_string(json_object_get(schema, "description")))
		buf_puts(&n, json_string_value(json_object_get(schema, "description")));
	json_object_set_new(out, "type", json_string(t.data ? t.data : ""));
	json_object_set_new(out, "note", json_string(n.data ? n.data : ""));
	json_object_set_new(out, "ref", ref ? json_string(ref) : item_ref ? json_string(item_ref)
							: json_null());
	json_object_set_new(out, "array_of", json_boolean(item_ref != NULL));
	buf_release(&t);
	buf_release(&n);
}

/* The properties of an object schema as rows {name, required, type, note, ref}; an allOf
 * of references is flattened, so a schema shows every key it holds. */
static void properties(struct request *rq, const json_t *doc, const json_t *schema, json_t *rows)
{
	const json_t *part, *prop;
	const char *key;
	size_t i;
	if (ref_name(schema))
		schema = resolve(doc, json_string_value(json_object_get(schema, "$ref")));
	json_array_foreach(json_object_get(schema, "allOf"), i, part)
		properties(rq, doc, part, rows);
	const json_t *required = json_object_get(schema, "required");
	json_object_foreach((json_t *)json_object_get(schema, "properties"), key, prop) {
		bool req = false;
		const json_t *r;
		size_t k;
		json_array_foreach(required, k, r)
			req = req || strcmp(json_string_value(r), key) == 0;
		json_t *row = json_pack("{s:s, s:b}", "name", key, "required", req);
		describe(rq, prop, row);
		json_array_append_new(rows, row);
	}
}

/* The summary in the page's language. */
static const char *summary(struct request *rq, const json_t *op)
{
	const char *zh = json_string_value(json_object_get(op, "x-summary-zh-CN"));
	if (zh && strcmp(msg_lang_tag(rq->lang), "zh-CN") == 0)
		return zh;
	return json_string_value(json_object_get(op, "summary"));
}

static json_t *operation(struct request *rq, const json_t *doc, const char *path,
			 const char *method, const json_t *op)
{
	json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "method", method, "path", path,
			      "anchor", json_string_value(json_object_get(op, "operationId")),
			      "summary", summary(rq, op),
			      "role", json_string_value(json_object_get(op, "x-anju-role")));
	/* the document ends a description with "Who: ..." for other readers; the page says
	 * it in its own line, in the page's language */
	const char *desc = json_string_value(json_object_get(op, "description"));
	const char *who = desc ? strstr(desc, "Who: ") : NULL;
	size_t keep = !desc ? 0 : !who ? strlen(desc) : who - desc >= 2 ? (size_t)(who - desc - 2) : 0;
	json_object_set_new(o, "description", json_stringn(desc ? desc : "", keep));
	const char *role = json_string_value(json_object_get(op, "x-anju-role"));
	json_object_set_new(o, "role_label", json_string(msg_get(rq->lang,
		arena_printf(&rq->arena, "api_role_%s", role ? role : "read"))));
	json_object_set_new(o, "body_type", json_null());
	json_object_set_new(o, "body_ref", json_null());
	json_t *params = json_array(), *rows = json_array(), *answers = json_array();
	const json_t *p, *r;
	const char *key;
	size_t i;
	json_array_foreach(json_object_get(op, "parameters"), i, p) {
		if (ref_name(p) == NULL && json_object_get(p, "$ref"))
			p = resolve(doc, json_string_value(json_object_get(p, "$ref")));
		json_t *row = json_pack("{s:s?, s:s?, s:b}", "name",
			json_string_value(json_object_get(p, "name")), "in",
			json_string_value(json_object_get(p, "in")), "required",
			json_is_true(json_object_get(p, "required")));
		describe(rq, json_object_get(p, "schema"), row);
		if (json_is_string(json_object_get(p, "description")))
			json_object_set_new(row, "note", json_string(
				json_string_value(json_object_get(p, "description"))));
		json_array_append_new(params, row);
	}
	const json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
	json_object_foreach((json_t *)content, key, p) {
		json_object_set_new(o, "body_type", json_string(key));
		json_object_set_new(o, "body_ref", page_json_text_or_null(ref_name(json_object_get(p, "schema"))));
		properties(rq, doc, json_object_get(p, "schema"), rows);
	}
	json_object_foreach((json_t *)json_object_get(op, "responses"), key, r) {
		if (json_object_get(r, "$ref"))
			r = resolve(doc, json_string_value(json_object_get(r, "$ref")));
		json_t *a = json_pack("{s:s, s:s?, s:s, s:n}", "status", key, "description",
				      json_string_value(json_object_get(r, "description")), "type", "",
				      "ref");
		const char *media;
		const json_t *m;
		struct buf types = BUF_INIT;
		json_object_foreach((json_t *)json_object_get(r, "content"), media, m) {
			buf_printf(&types, "%s%s", types.len ? ", " : "", media);
			const char *ref = ref_name(json_object_get(m, "schema"));
			if (ref && json_is_null(json_object_get(a, "ref")))
				json_object_set_new(a, "ref", json_string(ref));
		}
		json_object_set_new(a, "type", json_string(types.data ? types.data : ""));
		buf_release(&types);
		json_array_append_new(answers, a);
	}
	json_object_set_new(o, "has_params", json_boolean(json_array_size(params) > 0));
	json_object_set_new(o, "params", params);
	json_object_set_new(o, "body", rows);
	json_object_set_new(o, "responses", answers);
	return o;
}

void page_api_docs(struct request *rq)
{
	static const char *const methods[] = {"get", "post", "put", "patch", "delete", NULL};
	page_lang(rq);
	const json_t *doc = api_openapi_document();
	if (!doc) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	const json_t *tag, *item;
	const char *path;
	size_t i;
	bool zh = strcmp(msg_lang_tag(rq->lang), "zh-CN") == 0;
	json_t *tags = json_array();
	json_array_foreach(json_object_get(doc, "tags"), i, tag) {
		const char *name = json_string_value(json_object_get(tag, "name"));
		const char *label = zh ? json_string_value(json_object_get(tag, "x-name-zh-CN")) : NULL;
		json_t *ops = json_array();
		json_object_foreach((json_t *)json_object_get(doc, "paths"), path, item)
			for (int m = 0; methods[m]; m++) {
				const json_t *op = json_object_get(item, methods[m]);
				const char *t = json_string_value(json_array_get(json_object_get(op, "tags"), 0));
				if (op && t && strcmp(t, name) == 0)
					json_array_append_new(ops, operation(rq, doc, path, methods[m], op));
			}
		json_array_append_new(tags, json_pack("{s:s, s:s, s:s?, s:o}", "name", name, "label",
			label ? label : name, "description",
			json_string_value(json_object_get(tag, "description")), "ops", ops));
	}
	json_t *schemas = json_array();
	const char *key;
	const json_t *s;
	json_object_foreach((json_t *)json_object_get(json_object_get(doc, "components"), "schemas"),
			    key, s) {
		json_t *rows = json_array();
		properties(rq, doc, s, rows);
		const char *desc = json_string_value(json_object_get(s, "description"));
		json_array_append_new(schemas, json_pack("{s:s, s:s, s:b, s:o}", "name", key,
			"description", desc ? desc : "", "has_props", json_array_size(rows) > 0,
			"props", rows));
	}
	const json_t *info = json_object_get(doc, "info");
	page_render(rq, 200, "api_docs", "api_docs_title", json_pack("{s:s?, s:s?, s:s?, s:o, s:o}",
		"title", json_string_value(json_object_get(info, "title")),
		"version", json_string_value(json_object_get(info, "version")),
		"openapi", json_string_value(json_object_get(doc, "openapi")),
		"tags", tags, "schemas", schemas));
}
