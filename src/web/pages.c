/*
 * pages: the browser interface — server-rendered HTML from web/templates, one catalogue
 * per language, a strict Content-Security-Policy (no inline script or style), CSRF tokens
 * on every form, ID numbers masked. Every page works without JavaScript.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/embedded.h"
#include "core/utf8.h"
#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/report.h"
#include "domain/search.h"
#include "domain/session.h"
#include "domain/user.h"
#include "web/routes.h"
#include "web/server.h"
#include "web/template.h"
#include "web/upload.h"

/* ---------------------------------------------------------------- helpers */

static const char *cookie(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

/* The page language: the anju_lang cookie, else Accept-Language (already in rq->lang). */
static void page_lang(struct request *rq)
{
	const char *l = cookie(rq, "anju_lang");
	if (l && strcmp(l, "en") == 0)
		rq->lang = LANG_EN;
	else if (l && strcmp(l, "zh") == 0)
		rq->lang = LANG_ZH;
}

/* The CSRF token of a session: a keyed hash of its token with a per-process key, so it
 * cannot be computed without the session and is never stored. */
static void csrf_for(const char *session_token, char out[33])
{
	static unsigned char key[crypto_generichash_KEYBYTES];
	static int ready;
	unsigned char h[16];
	if (!ready) {	/* benign race: both writers write random keys before first use */
		randombytes_buf(key, sizeof(key));
		ready = 1;
	}
	crypto_generichash(h, sizeof(h), (const unsigned char *)session_token,
			   strlen(session_token), key, sizeof(key));
	sodium_bin2hex(out, 33, h, sizeof(h));
}

static bool same_token(const char *a, const char *b)
{
	return a && b && strlen(a) == strlen(b) && strlen(a) >= 16 &&
	       sodium_memcmp(a, b, strlen(a)) == 0;
}

static void security_headers(struct request *rq)
{
	rq_add_header(rq, "Content-Security-Policy", "default-src 'self'; img-src 'self' data:;"
		      " media-src 'self'; style-src 'self'; script-src 'self'; object-src 'none';"
		      " frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	rq_add_header(rq, "X-Frame-Options", "DENY");
}

static void redirect(struct request *rq, const char *to)
{
	rq->status = 303;
	rq->content_type = "text/plain; charset=utf-8";
	rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, to);
}

/* Renders body template `name` inside the layout. Takes data. */
static void render_page(struct request *rq, unsigned status, const char *name,
			const char *title_key, json_t *data)
{
	struct buf body = BUF_INIT;
	char csrf[33] = "";
	page_lang(rq);
	if (rq->authenticated && rq->token)
		csrf_for(rq->token, csrf);
	json_object_set_new(data, "lang", json_string(msg_lang_tag(rq->lang)));
	if (!json_object_get(data, "csrf"))	/* the log-in form brings its own */
		json_object_set_new(data, "csrf", json_string(csrf));
	template_render(name, data, rq->lang, &body);
	json_t *layout = json_pack("{s:s, s:s, s:s}", "lang", msg_lang_tag(rq->lang),
				   "title", msg_get(rq->lang, title_key), "body", body.data);
	if (rq->authenticated)
		json_object_set_new(layout, "user", json_pack("{s:s, s:s, s:s, s:b}", "username",
			rq->actor.username, "role", role_names[rq->actor.role], "csrf", csrf,
			"admin", role_is_admin(rq->actor.role)));
	buf_reset(&rq->out);
	template_render("layout", layout, rq->lang, &rq->out);
	json_decref(layout);
	json_decref(data);
	buf_release(&body);
	rq->status = status;
	rq->content_type = "text/html; charset=utf-8";
	security_headers(rq);
}

void page_error(struct request *rq, unsigned status, const char *title_key)
{
	render_page(rq, status, "error", title_key,
		    json_pack("{s:s, s:s}", "title", msg_get(rq->lang, title_key),
			      "message", msg_get(rq->lang, title_key)));
}

/* Decodes application/x-www-form-urlencoded into a JSON object of strings; NULL when it
 * is not valid UTF-8 text. */
static json_t *form_fields(struct request *rq)
{
	json_t *o = json_object();
	const char *p = rq->body.data, *end = p + rq->body.len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		struct buf k = BUF_INIT, v = BUF_INIT;
		for (int part = 0; part < 2; part++) {
			const char *s = part ? (eq ? eq + 1 : stop) : p, *e = part ? stop : (eq ? eq : stop);
			struct buf *b = part ? &v : &k;
			for (; s < e; s++) {
				if (*s == '+')
					buf_putc(b, ' ');
				else if (*s == '%' && e - s >= 3) {
					char hex[3] = {s[1], s[2], 0};
					char *x;
					long c = strtol(hex, &x, 16);
					if (*x) {
						buf_putc(b, '%');
						continue;
					}
					buf_putc(b, (char)c);
					s += 2;
				} else
					buf_putc(b, *s);
			}
		}
		bool ok = utf8_valid(k.data, k.len) && utf8_valid(v.data, v.len) && !k.failed && !v.failed;
		if (ok)
			json_object_set_new(o, k.data, json_string(v.data));
		buf_release(&k);
		buf_release(&v);
		if (!ok) {
			json_decref(o);
			return NULL;
		}
		p = stop + 1;
	}
	return o;
}

/* ---------------------------------------------------------------- log-in */

static void login_form(struct request *rq, unsigned status, const char *username,
		       const char *error_key)
{
	unsigned char raw[16];
	char token[33];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, arena_printf(&rq->arena,
		"anju_csrf=%s; Path=/login; HttpOnly; SameSite=Strict", token));
	json_t *data = json_pack("{s:s, s:s}", "username", username ? username : "", "csrf", token);
	if (error_key)
		json_object_set_new(data, "error", json_string(msg_get(rq->lang, error_key)));
	render_page(rq, status, "login", "login_title", data);
}

void page_login_get(struct request *rq)
{
	page_lang(rq);
	login_form(rq, 200, NULL, NULL);
}

void page_login_post(struct request *rq)
{
	page_lang(rq);
	json_t *f = form_fields(rq);
	const char *user = f ? json_string_value(json_object_get(f, "username")) : NULL;
	const char *pw = f ? json_string_value(json_object_get(f, "password")) : NULL;
	const char *csrf = f ? json_string_value(json_object_get(f, "csrf")) : NULL;
	if (!f || !same_token(csrf, cookie(rq, "anju_csrf"))) {
		login_form(rq, 403, user, "csrf_failed");
		json_decref(f);
		return;
	}
	if (!user || !*user || !pw || !*pw || strlen(user) > 64 || strlen(pw) > 1024) {
		login_form(rq, 422, user, "login_failed");
		json_decref(f);
		return;
	}
	const struct config *cfg = &rq->server->cfg;
	struct session_limits lim = {cfg->session_hours, cfg->login_max_failures,
				     cfg->login_max_failures * 4, cfg->login_window_seconds};
	char token[SESSION_TOKEN_LEN + 1];
	enum outcome out = session_login(&rq->cx, &lim, user, pw, token, &rq->retry_after);
	if (out != OUT_OK) {
		login_form(rq, out == OUT_RATE_LIMITED ? 429 : 401, user,
			   out == OUT_RATE_LIMITED ? "problem_rate_limited" : "login_failed");
		json_decref(f);
		return;
	}
	json_decref(f);
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, arena_printf(&rq->arena,
		"anju_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
		cfg->session_hours * 3600));
	redirect(rq, "/");
}

void page_logout(struct request *rq)
{
	char expect[33];
	json_t *f = form_fields(rq);
	csrf_for(rq->token, expect);
	if (!f || !same_token(json_string_value(json_object_get(f, "csrf")), expect)) {
		json_decref(f);
		page_error(rq, 403, "csrf_failed");
		return;
	}
	json_decref(f);
	session_logout(&rq->cx, rq->token);
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
		      "anju_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	redirect(rq, "/login");
}

void page_lang_switch(struct request *rq)
{
	bool en = strstr(rq->path, "/en") != NULL;
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, en
		      ? "anju_lang=en; Path=/; SameSite=Strict; Max-Age=31536000"
		      : "anju_lang=zh; Path=/; SameSite=Strict; Max-Age=31536000");
	redirect(rq, "/");
}

/* ---------------------------------------------------------------- dashboard */

/* Horizontal bars, one per row: label, value; a second series drawn over the first. */
static char *bar_chart(json_t *rows, const char *label_key, const char *value_key,
		       const char *over_key, const char *link_param)
{
	struct buf b = BUF_INIT;
	size_t i, n = json_array_size(rows);
	json_t *row;
	json_int_t max = 1;
	json_array_foreach(rows, i, row)
		if (json_integer_value(json_object_get(row, value_key)) > max)
			max = json_integer_value(json_object_get(row, value_key));
	buf_printf(&b, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 640 %zu\" width=\"100%%\">",
		   n * 20 + 4);
	json_array_foreach(rows, i, row) {
		json_int_t v = json_integer_value(json_object_get(row, value_key));
		double w = 420.0 * (double)v / (double)max;
		buf_printf(&b, "<a href=\"/households?%s=", link_param);
		html_escape(&b, json_string_value(json_object_get(row, "code")));
		buf_printf(&b, "\"><text x=\"0\" y=\"%zu\">", i * 20 + 14);
		html_escape(&b, json_string_value(json_object_get(row, label_key)));
		buf_printf(&b, "</text><rect class=\"bar\" x=\"150\" y=\"%zu\" width=\"%.1f\" height=\"14\"/>",
			   i * 20 + 3, w);
		if (over_key) {
			json_int_t o = json_integer_value(json_object_get(row, over_key));
			buf_printf(&b, "<rect class=\"bar incomplete\" x=\"%.1f\" y=\"%zu\" width=\"%.1f\""
				   " height=\"14\"/>", 150 + w - 420.0 * (double)o / (double)max,
				   i * 20 + 3, 420.0 * (double)o / (double)max);
		}
		buf_printf(&b, "<text x=\"%.1f\" y=\"%zu\">%lld</text></a>", 156 + w, i * 20 + 14,
			   (long long)v);
	}
	buf_puts(&b, "</svg>");
	return buf_detach(&b, NULL);
}

void page_dashboard(struct request *rq)
{
	json_t *report = NULL;
	page_lang(rq);
	if (report_county(&rq->cx, &report) != OUT_OK) {
		page_error(rq, 500, "problem_internal");
		return;
	}
	char *towns = bar_chart(json_object_get(report, "by_origin_town"), "name", "households",
				NULL, "town");
	char *communities = bar_chart(json_object_get(report, "by_destination_community"), "name",
				      "households", "incomplete_household_files", "community");
	json_t *data = json_pack("{s:o, s:s, s:s}", "report", report, "chart_towns", towns ? towns : "",
				 "chart_communities", communities ? communities : "");
	free(towns);
	free(communities);
	render_page(rq, 200, "dashboard", "nav_dashboard", data);
}

/* ---------------------------------------------------------------- households */

/* Replaces the code in o[key] by its label, the message PREFIX_CODE. */
static void label(struct request *rq, json_t *o, const char *key, const char *prefix)
{
	const char *code = json_string_value(json_object_get(o, key));
	char k[96];
	if (!code)
		return;
	snprintf(k, sizeof(k), "%s_%s", prefix, code);
	if (msg_has(k))
		json_object_set_new(o, key, json_string(msg_get(rq->lang, k)));
}

/* Members as a page shows them: ID numbers masked, codes as words. */
static void present_members(struct request *rq, json_t *members)
{
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) {
		char masked[19];
		search_mask_id(json_string_value(json_object_get(m, "id_number")), masked);
		json_object_set_new(m, "id_masked", json_string(masked));
		json_object_del(m, "id_number");
		json_object_del(m, "phone");
		label(rq, m, "relation", "relation");
		label(rq, m, "gender", "gender");
		label(rq, m, "labor_capacity", "labor");
	}
}

void page_households(struct request *rq)
{
	static const int town_len[] = {9, 0}, community_len[] = {12, 0};
	struct household_filter f = {0};
	page_lang(rq);
	f.category = rq_query_enum(rq, "category", household_categories);
	f.town = rq_query_code(rq, "town", town_len);
	f.community = rq_query_code(rq, "community", community_len);
	f.after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	f.limit = 50;
	const char *q = rq_query(rq, "q");
	json_t *list = NULL, *found = NULL;
	if (rq->errs.n || household_list(&rq->cx, &f, &list) != OUT_OK) {
		page_error(rq, rq->errs.n ? 422 : 500, rq->errs.n ? "problem_invalid" : "problem_internal");
		return;
	}
	if (q && search_run(&rq->cx, q, 50, &found) != OUT_OK)
		rq->errs.n = 0;	/* a bad query just finds nothing */
	json_t *data = json_pack("{s:O, s:O}", "items", json_object_get(list, "items"),
				 "next", json_object_get(list, "next"));
	json_t *filter = json_pack("{s:s, s:s, s:b, s:b}", "q", q ? q : "",
				   "category", f.category ? f.category : "",
				   "poor", f.category && strcmp(f.category, "registered_poor") == 0,
				   "sync", f.category && strcmp(f.category, "synchronous") == 0);
	json_object_set_new(data, "filter", filter);
	if (found)
		json_object_set(data, "results", json_object_get(found, "results"));
	json_decref(found);
	json_decref(list);
	render_page(rq, 200, "households", "nav_households", data);
}

void page_household(struct request *rq)
{
	json_t *h = NULL, *items = NULL;
	page_lang(rq);
	enum outcome res = household_get(&rq->cx, rq->ids[0], &h);
	if (res != OUT_OK) {
		page_error(rq, res == OUT_NOT_FOUND ? 404 : 500,
			   res == OUT_NOT_FOUND ? "problem_not_found" : "problem_internal");
		return;
	}
	struct item_filter f = {.household_id = rq->ids[0], .limit = 500};
	if (archive_item_list(&rq->cx, &f, &items) != OUT_OK) {
		json_decref(h);
		page_error(rq, 500, "problem_internal");
		return;
	}
	size_t i, j;
	json_t *it, *file;
	json_array_foreach(json_object_get(items, "items"), i, it)
		json_array_foreach(json_object_get(it, "files"), j, file) {
			const char *kind = json_string_value(json_object_get(file, "kind"));
			json_object_set_new(file, "is_image", json_boolean(strcmp(kind, "image") == 0 &&
				json_is_string(json_object_get(file, "thumbnail_url"))));
			json_object_set_new(file, "is_audio", json_boolean(strcmp(kind, "audio") == 0));
			json_object_set_new(file, "is_video", json_boolean(strcmp(kind, "video") == 0));
		}
	present_members(rq, json_object_get(h, "members"));
	json_array_foreach(json_object_get(h, "events"), i, it)
		label(rq, it, "kind", "event");
	char key[64];
	snprintf(key, sizeof(key), "category_%s", json_string_value(json_object_get(h, "category")));
	json_t *data = json_pack("{s:O, s:O, s:O, s:s}", "h", h, "members", json_object_get(h, "members"),
				 "items", json_object_get(items, "items"), "category", msg_get(rq->lang, key));
	snprintf(key, sizeof(key), "status_%s", json_string_value(json_object_get(h, "status")));
	json_object_set_new(data, "status", json_string(msg_get(rq->lang, key)));
	struct buf missing = BUF_INIT;
	json_t *types = archive_doc_types(&rq->cx), *t;
	json_array_foreach(json_object_get(json_object_get(h, "archive"), "missing"), i, it) {
		const char *name = json_string_value(it);
		json_array_foreach(types, j, t)
			if (strcmp(json_string_value(json_object_get(t, "code")), json_string_value(it)) == 0)
				name = json_string_value(json_object_get(t, rq->lang == LANG_EN ? "name_en" : "name"));
		buf_printf(&missing, "%s%s", missing.len ? ", " : "", name);
	}
	json_decref(types);
	json_object_set_new(data, "missing", json_string(missing.data));
	buf_release(&missing);
	json_object_set_new(data, "can_archive", json_boolean(role_can_edit_archive(rq->actor.role)));
	json_object_set_new(data, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_t *doc_types = archive_doc_types(&rq->cx), *dt;
	json_array_foreach(doc_types, i, dt)
		json_object_set_new(dt, "label", json_string(json_string_value(json_object_get(dt,
				    rq->lang == LANG_EN ? "name_en" : "name"))));
	json_object_set_new(data, "doc_types", doc_types);
	const char *upload_error = rq_query(rq, "upload_error");
	if (upload_error && msg_has(upload_error))
		json_object_set_new(data, "upload_error", json_string(msg_get(rq->lang, upload_error)));
	json_decref(h);
	json_decref(items);
	render_page(rq, 200, "household", "nav_households", data);
}

/* The upload form of the household page: the same streamed upload as the API, then back
 * to the page (with the first error's message when it failed). */
void page_item_upload(struct request *rq)
{
	char expect[33];
	struct upload *u = rq->upload;
	csrf_for(rq->token, expect);
	const char *given = NULL;
	for (int i = 0; i < u->nfields; i++)
		if (strcmp(u->field_names[i], "csrf") == 0)
			given = u->field_values[i].data;
	if (!same_token(given, expect)) {
		page_error(rq, 403, "csrf_failed");
		return;
	}
	struct archive_file files[UPLOAD_MAX_FILES];
	int n = 0;
	for (int i = 0; i < u->nfiles; i++)
		if (strcmp(u->files[i].field, "file") == 0 && u->files[i].w.size > 0)
			files[n++] = (struct archive_file){u->files[i].name, &u->files[i].w,
				u->files[i].mime, &u->files[i].media,
				u->files[i].media.has_thumbnail ? &u->files[i].thumb : NULL,
				u->files[i].media.has_reference ? &u->files[i].reference : NULL};
	json_t *fields = upload_fields(u), *out = NULL;
	json_object_del(fields, "csrf");
	/* an empty optional field in a form means "not given" */
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(fields, tmp, key, v)
		if (json_is_string(v) && json_string_length(v) == 0)
			json_object_del(fields, key);
	enum outcome res = archive_item_create(&rq->cx, rq->ids[0], fields, files, n, &out);
	json_decref(fields);
	json_decref(out);
	if (res == OUT_OK || res == OUT_INVALID || res == OUT_UNSUPPORTED)
		redirect(rq, res == OUT_OK ? arena_printf(&rq->arena, "/households/%lld", (long long)rq->ids[0])
			 : arena_printf(&rq->arena, "/households/%lld?upload_error=%s#upload-error",
					(long long)rq->ids[0], rq->errs.items[0].code));
	else
		page_error(rq, res == OUT_NOT_FOUND ? 404 : res == OUT_FORBIDDEN ? 403 : 500,
			   res == OUT_NOT_FOUND ? "problem_not_found" : res == OUT_FORBIDDEN
			   ? "problem_forbidden" : "problem_internal");
}

/* ---------------------------------------------------------------- static files */

extern const struct embedded_file web_static[];

void page_static(struct request *rq)
{
	const char *name = strrchr(rq->path, '/') + 1;
	for (const struct embedded_file *f = web_static; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		buf_puts(&rq->out, f->content);
		rq->status = 200;
		rq->content_type = strstr(name, ".css") ? "text/css; charset=utf-8"
							: "text/javascript; charset=utf-8";
		return;
	}
	rq_problem(rq, OUT_NOT_FOUND, NULL);
}

/* ---------------------------------------------------------------- new household form */

#define FORM_ROWS 6

/* <option>s for the values of a code list, labelled from the catalogue (PREFIX_VALUE). */
static json_t *code_options(struct request *rq, const char *const *values, const char *prefix,
			    const char *selected)
{
	json_t *arr = json_array();
	for (int i = 0; values[i]; i++) {
		char key[96];
		snprintf(key, sizeof(key), "%s_%s", prefix, values[i]);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", values[i],
			"label", msg_get(rq->lang, key), "selected", selected && !strcmp(selected, values[i])));
	}
	return arr;
}

/* <option>s for Songtao's villages (origin) or communities (destination). */
static json_t *place_options(struct request *rq, bool communities, const char *selected)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(rq->cx.db, "SELECT v.code, t.short_name || ' ' ||"
		" v.short_name FROM divisions v JOIN divisions t ON t.code = v.parent"
		" WHERE v.level = 5 AND v.code LIKE '520628%' AND v.name LIKE ? ORDER BY v.code", "t",
		communities ? "%社区居民委员会" : "%村民委员会");
	while (store_next(r))
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", store_text(r, 0),
			"label", store_text(r, 1), "selected", selected && !strcmp(selected, store_text(r, 0))));
	store_finish(r);
	return arr;
}

static const char *field_error(struct request *rq, const char *field)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strcmp(rq->errs.items[i].field, field) == 0)
			return msg_get(rq->lang, rq->errs.items[i].code);
	return NULL;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static const char *const household_keys[] = {"category", "origin_village", "dest_community",
					     "relocation_date", "phone", NULL};

/* The household's own fields for a form: values from f, each error beside its field. */
static json_t *household_fields(struct request *rq, json_t *f)
{
	static const char *const labels[] = {"field_category", "col_origin", "col_destination",
					     "field_relocation_date", "field_phone", NULL};
	json_t *fields = json_array();
	for (int i = 0; household_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, household_keys[i]));
		json_t *fd = json_pack("{s:s, s:s, s:s}", "name", household_keys[i],
				       "label", msg_get(rq->lang, labels[i]), "value", v ? v : "");
		json_object_set_new(fd, "error", text_or_null(field_error(rq, household_keys[i])));
		if (i == 0)
			json_object_set_new(fd, "options", code_options(rq, household_categories, "category", v));
		else if (i == 1 || i == 2)
			json_object_set_new(fd, "options", place_options(rq, i == 2, v));
		json_object_set_new(fd, "select", json_boolean(i <= 2));
		json_array_append_new(fields, fd);
	}
	return fields;
}

/* The form, with the values given so far and each error beside its field. `row_of[k]` is
 * the form row of members[k] in the request that failed. */
static void household_form(struct request *rq, unsigned status, json_t *f, const int *row_of, int nrows)
{
	json_t *fields = household_fields(rq, f), *rows = json_array();
	for (int r = 0; r < FORM_ROWS; r++) {
		char k[32], e1[48], e2[48], e3[48];
		int member = -1;
		for (int m = 0; m < nrows; m++)
			if (row_of[m] == r)
				member = m;
		snprintf(e1, sizeof(e1), "members[%d].id_number", member);
		snprintf(e2, sizeof(e2), "members[%d].name", member);
		snprintf(e3, sizeof(e3), "members[%d].relation", member);
		json_t *row = json_pack("{s:i, s:i}", "i", r, "n", r + 1);
		snprintf(k, sizeof(k), "m%d_id_number", r);
		json_object_set_new(row, "id_number", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_name", r);
		json_object_set_new(row, "name", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_relation", r);
		json_object_set_new(row, "relations", code_options(rq, person_relations, "relation",
					json_string_value(json_object_get(f, k))));
		json_object_set_new(row, "err_id_number", text_or_null(member >= 0 ? field_error(rq, e1) : NULL));
		json_object_set_new(row, "err_name", text_or_null(member >= 0 ? field_error(rq, e2) : NULL));
		json_object_set_new(row, "err_relation", text_or_null(member >= 0 ? field_error(rq, e3) : NULL));
		json_array_append_new(rows, row);
	}
	json_t *data = json_pack("{s:o, s:o, s:b}", "fields", fields, "rows", rows, "failed", rq->errs.n > 0);
	json_object_set_new(data, "err_members", text_or_null(field_error(rq, "members")));
	render_page(rq, status, "household_new", "new_household", data);
}

void page_household_new(struct request *rq)
{
	page_lang(rq);
	if (!role_can_edit_registry(rq->actor.role)) {
		page_error(rq, 403, "problem_forbidden");
		return;
	}
	json_t *f = json_object();
	household_form(rq, 200, f, NULL, 0);
	json_decref(f);
}

void page_household_create(struct request *rq)
{
	char expect[33];
	int row_of[FORM_ROWS], n = 0;
	page_lang(rq);
	json_t *f = form_fields(rq);
	csrf_for(rq->token, expect);
	if (!f || !same_token(json_string_value(json_object_get(f, "csrf")), expect)) {
		json_decref(f);
		page_error(rq, 403, "csrf_failed");
		return;
	}
	/* The form's text becomes the API's JSON: empty fields are absent. */
	json_t *body = json_object(), *members = json_array();
	for (int i = 0; household_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, household_keys[i]));
		if (v && *v)
			json_object_set_new(body, household_keys[i], json_string(v));
	}
	for (int r = 0; r < FORM_ROWS; r++) {
		char k1[32], k2[32], k3[32];
		snprintf(k1, sizeof(k1), "m%d_id_number", r);
		snprintf(k2, sizeof(k2), "m%d_name", r);
		snprintf(k3, sizeof(k3), "m%d_relation", r);
		const char *id = json_string_value(json_object_get(f, k1));
		const char *name = json_string_value(json_object_get(f, k2));
		const char *rel = json_string_value(json_object_get(f, k3));
		if ((!id || !*id) && (!name || !*name))
			continue;
		json_t *m = json_object();
		if (id && *id)
			json_object_set_new(m, "id_number", json_string(id));
		if (name && *name)
			json_object_set_new(m, "name", json_string(name));
		if (rel && *rel)
			json_object_set_new(m, "relation", json_string(rel));
		json_array_append_new(members, m);
		row_of[n++] = r;
	}
	json_object_set_new(body, "members", members);
	json_t *out = NULL;
	enum outcome res = household_create(&rq->cx, body, &out);
	json_decref(body);
	if (res == OUT_OK) {
		char *to = arena_printf(&rq->arena, "/households/%lld",
					(long long)json_integer_value(json_object_get(out, "id")));
		json_decref(out);
		json_decref(f);
		redirect(rq, to);
		return;
	}
	if (res != OUT_INVALID) {
		json_decref(f);
		page_error(rq, res == OUT_FORBIDDEN ? 403 : 500,
			   res == OUT_FORBIDDEN ? "problem_forbidden" : "problem_internal");
		return;
	}
	household_form(rq, 422, f, row_of, n);
	json_decref(f);
}

/* ---------------------------------------------------------------- a person's volume */

static void person_page(struct request *rq, const char *revealed)
{
	page_lang(rq);
	json_t *p = person_load(&rq->cx, rq->ids[0]);
	if (!p) {
		page_error(rq, 404, "problem_not_found");
		return;
	}
	json_t *one = json_array();
	json_array_append(one, p);
	present_members(rq, one);
	json_decref(one);
	json_t *data = json_pack("{s:o, s:b, s:b}", "p", p, "can_reveal",
				 role_can_edit_registry(rq->actor.role) || rq->actor.role == ROLE_AUDITOR,
				 "can_edit", role_can_edit_registry(rq->actor.role));
	if (revealed)
		json_object_set_new(data, "revealed", json_string(revealed));
	render_page(rq, 200, "person", "nav_households", data);
}

void page_person(struct request *rq)
{
	person_page(rq, NULL);
}

/* Shows one full ID number, deliberately asked for, and writes the reveal to the audit log
 * in the same transaction. */
void page_person_reveal(struct request *rq)
{
	char expect[33];
	json_t *f = form_fields(rq);
	csrf_for(rq->token, expect);
	bool ok = f && same_token(json_string_value(json_object_get(f, "csrf")), expect);
	json_decref(f);
	if (!ok) {
		page_error(rq, 403, "csrf_failed");
		return;
	}
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

/* ---------------------------------------------------------------- own password, users */

/* A form posted from a page of this session: its fields, or NULL after answering 403. */
static json_t *checked_form(struct request *rq)
{
	char expect[33];
	json_t *f = form_fields(rq);
	csrf_for(rq->token, expect);
	if (f && same_token(json_string_value(json_object_get(f, "csrf")), expect))
		return f;
	json_decref(f);
	page_error(rq, 403, "csrf_failed");
	return NULL;
}

static const char *field(json_t *f, const char *key)
{
	const char *v = json_string_value(json_object_get(f, key));
	return v ? v : "";
}

void page_password(struct request *rq)
{
	page_lang(rq);
	render_page(rq, 200, "password", "change_password", json_object());
}

void page_password_post(struct request *rq)
{
	struct actor who;
	const char *err = NULL;
	page_lang(rq);
	json_t *f = checked_form(rq);
	if (!f)
		return;
	if (!user_verify(rq->cx.db, rq->actor.username, field(f, "current"), &who))
		err = "login_failed";
	else if (strcmp(field(f, "new"), field(f, "again")) != 0)
		err = "passwords_differ";
	else if (user_passwd(&rq->cx, rq->actor.username, field(f, "new"), &err) == 0)
		err = NULL;
	json_decref(f);
	if (err) {
		render_page(rq, 422, "password", "change_password",
			    json_pack("{s:s}", "error", msg_get(rq->lang, err)));
		return;
	}
	/* every session of the user has ended, this one too */
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE,
		      "anju_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	redirect(rq, "/login");
}

static void users_page(struct request *rq, unsigned status, json_t *form, const char *error_key)
{
	json_t *users = user_list(&rq->cx), *roles = json_array(), *u;
	size_t i;
	json_array_foreach(users, i, u)
		label(rq, u, "role", "role");
	for (int r = 0; role_names[r]; r++) {
		char key[32];
		snprintf(key, sizeof(key), "role_%s", role_names[r]);
		json_array_append_new(roles, json_pack("{s:s, s:s, s:b}", "value", role_names[r],
			"label", msg_get(rq->lang, key),
			"selected", !strcmp(field(form, "role"), role_names[r])));
	}
	json_t *data = json_pack("{s:o, s:o, s:O}", "users", users, "roles", roles, "form", form);
	if (error_key)
		json_object_set_new(data, "error", json_string(msg_get(rq->lang, error_key)));
	render_page(rq, status, "users", "users", data);
}

void page_users(struct request *rq)
{
	page_lang(rq);
	json_t *form = json_object();
	users_page(rq, 200, form, NULL);
	json_decref(form);
}

void page_users_post(struct request *rq)
{
	const char *err = NULL;
	page_lang(rq);
	json_t *f = checked_form(rq);
	if (!f)
		return;
	json_t *pw = json_incref(json_object_get(f, "password"));
	json_object_del(f, "password");	/* never sent back to the page */
	int rc = user_add(&rq->cx, field(f, "username"), field(f, "role"), field(f, "scope"),
			  json_is_string(pw) ? json_string_value(pw) : "", &err);
	json_decref(pw);
	if (rc == 0)
		redirect(rq, "/users");
	else
		users_page(rq, 422, f, err);
	json_decref(f);
}

/* ---------------------------------------------------------------- editing records */

/* A PATCH body of only what the person changed in the form (an emptied field clears). */
static json_t *changed_fields(json_t *form, json_t *current, const char *const *keys)
{
	json_t *patch = json_object();
	for (int i = 0; keys[i]; i++) {
		const char *now = json_string_value(json_object_get(current, keys[i]));
		const char *given = field(form, keys[i]);
		if (strcmp(now ? now : "", given) != 0)
			json_object_set_new(patch, keys[i], *given ? json_string(given) : json_null());
	}
	return patch;
}

/* A record that pages edit under its ETag: a household or a person. */
struct editable {
	const char *heading_key;	/* the form's heading */
	const char *home_fmt;		/* its page, from the id: "/households/%lld" */
	const char *subject_key;	/* the field shown beside the heading */
	const char *const *keys;	/* the fields of the form */
	json_t *(*load)(struct ctx *cx, int64_t id);	/* NULL when absent or out of scope */
	void (*etag)(json_t *record, char out[48]);
	json_t *(*fields)(struct request *rq, json_t *values);
	enum outcome (*patch)(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			      json_t **out);
};

/* The edit form (record_edit.html) with the values of `values`, each error beside its field. */
static void record_form(struct request *rq, const struct editable *e, unsigned status,
			json_t *values, const char *subject, const char *etag, const char *failed_key)
{
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:o}", "heading", msg_get(rq->lang, e->heading_key),
		"home", arena_printf(&rq->arena, e->home_fmt, (long long)rq->ids[0]), "subject", subject,
		"etag", etag, "fields", e->fields(rq, values));
	if (failed_key)
		json_object_set_new(data, "failed", json_string(msg_get(rq->lang, failed_key)));
	render_page(rq, status, "record_edit", e->heading_key, data);
}

static void edit_get(struct request *rq, const struct editable *e)
{
	char etag[48];
	page_lang(rq);
	if (!role_can_edit_registry(rq->actor.role)) {
		page_error(rq, 403, "problem_forbidden");
		return;
	}
	json_t *r = e->load(&rq->cx, rq->ids[0]);
	if (!r) {
		page_error(rq, 404, "problem_not_found");
		return;
	}
	e->etag(r, etag);
	record_form(rq, e, 200, r, json_string_value(json_object_get(r, e->subject_key)), etag, NULL);
	json_decref(r);
}

/* Saves what changed, under the ETag the form was drawn with: a change by someone else in
 * the meantime is refused (412), never overwritten. */
static void edit_post(struct request *rq, const struct editable *e)
{
	page_lang(rq);
	json_t *f = checked_form(rq), *r = NULL, *out = NULL;
	if (!f)
		return;
	if (!(r = e->load(&rq->cx, rq->ids[0]))) {
		json_decref(f);
		page_error(rq, 404, "problem_not_found");
		return;
	}
	json_t *patch = changed_fields(f, r, e->keys);
	enum outcome res = e->patch(&rq->cx, rq->ids[0], field(f, "etag"), patch, &out);
	json_decref(patch);
	if (res == OUT_OK)
		redirect(rq, arena_printf(&rq->arena, e->home_fmt, (long long)rq->ids[0]));
	else if (res == OUT_INVALID || res == OUT_PRECONDITION_FAILED || res == OUT_CONFLICT)
		record_form(rq, e, res == OUT_INVALID ? 422 : res == OUT_CONFLICT ? 409 : 412, f,
			    json_string_value(json_object_get(r, e->subject_key)), field(f, "etag"),
			    res == OUT_PRECONDITION_FAILED ? "problem_precondition_failed" : "form_has_errors");
	else
		page_error(rq, 500, "problem_internal");
	json_decref(out);
	json_decref(r);
	json_decref(f);
}

static json_t *household_record(struct ctx *cx, int64_t id)
{
	json_t *h = NULL;
	return household_get(cx, id, &h) == OUT_OK ? h : NULL;
}

static const struct editable household_editable = {
	"edit_household", "/households/%lld", "number", household_keys, household_record,
	household_etag, household_fields, household_patch,
};

void page_household_edit(struct request *rq) { edit_get(rq, &household_editable); }
void page_household_update(struct request *rq) { edit_post(rq, &household_editable); }

/* ---------------------------------------------------------------- editing a person */

static const char *const person_keys[] = {"name", "relation", "ethnicity", "education", "health",
					  "labor_capacity", "phone", NULL};

static json_t *person_fields(struct request *rq, json_t *f)
{
	static const char *const labels[] = {"col_name", "col_relation", "field_ethnicity",
		"field_education", "field_health", "col_labor", "field_phone", NULL};
	const char *const *lists[] = {NULL, person_relations, person_ethnicities, person_educations,
				      person_healths, person_labor_capacities, NULL};
	static const char *const prefixes[] = {"", "relation", "ethnicity", "education", "health",
					       "labor", ""};
	json_t *fields = json_array();
	for (int i = 0; person_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, person_keys[i]));
		json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", person_keys[i],
				       "label", msg_get(rq->lang, labels[i]), "value", v ? v : "",
				       "select", lists[i] != NULL);
		json_object_set_new(fd, "error", text_or_null(field_error(rq, person_keys[i])));
		if (lists[i])
			json_object_set_new(fd, "options", code_options(rq, lists[i], prefixes[i], v));
		json_array_append_new(fields, fd);
	}
	return fields;
}

static const struct editable person_editable = {
	"edit_person", "/persons/%lld", "name", person_keys, person_load, person_etag,
	person_fields, person_patch,
};

void page_person_edit(struct request *rq) { edit_get(rq, &person_editable); }
void page_person_update(struct request *rq) { edit_post(rq, &person_editable); }
