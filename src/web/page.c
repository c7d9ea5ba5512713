/*
 * page: what every page shares — the language, the layout, CSRF tokens (a keyed hash of
 * the session token), form decoding, a strict Content-Security-Policy (no inline script
 * or style), code lists as words, ID numbers masked, SVG bar charts.
 */
#include "web/page.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/utf8.h"
#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/person.h"
#include "domain/privacy.h"
#include "domain/user.h"
#include "web/template.h"

const char *page_cookie(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

/* The page language: the anju_lang cookie, else Accept-Language (already in rq->lang). */
void page_lang(struct request *rq)
{
	const char *l = page_cookie(rq, "anju_lang");
	if (l && strcmp(l, "en") == 0)
		rq->lang = LANG_EN;
	else if (l && strcmp(l, "zh") == 0)
		rq->lang = LANG_ZH;
}

/* The CSRF token of a session: a keyed hash of its token with a per-process key, so it
 * cannot be computed without the session and is never stored. */
static const unsigned char *process_key(void)
{
	static unsigned char key[crypto_generichash_KEYBYTES];
	static int ready;
	if (!ready) {	/* benign race: both writers write random keys before first use */
		randombytes_buf(key, sizeof(key));
		ready = 1;
	}
	return key;
}

void page_csrf(const char *session_token, char out[33])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)session_token,
			   strlen(session_token), process_key(), crypto_generichash_KEYBYTES);
	sodium_bin2hex(out, 33, h, sizeof(h));
}

void page_saved_mac(const char *session_token, const char *saved, const char *path,
		    size_t path_len, char out[PAGE_SAVED_MAC_LEN + 1])
{
	crypto_generichash_state st;
	unsigned char h[PAGE_SAVED_MAC_LEN / 2];
	const char *t = session_token ? session_token : "";
	crypto_generichash_init(&st, process_key(), crypto_generichash_KEYBYTES, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)t, strlen(t) + 1);	/* with its NUL */
	crypto_generichash_update(&st, (const unsigned char *)saved, strlen(saved) + 1);
	crypto_generichash_update(&st, (const unsigned char *)path, path_len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, PAGE_SAVED_MAC_LEN + 1, h, sizeof(h));
}

bool page_same_token(const char *a, const char *b)
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

void page_redirect(struct request *rq, const char *to)
{
	rq->status = 303;
	rq->content_type = "text/plain; charset=utf-8";
	rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, to);
}

/* A confirmation's words with each {key} (a dotted path: {scheme.title}) replaced by that
 * value of the page's data, a string or a number; a {key} the page lacks is left out, with
 * the space before it. Only the page's own data fills it, never the address: a link
 * cannot make a page say what its record is not. */
static const char *flash_text(struct request *rq, const char *text, json_t *data)
{
	struct buf b = BUF_INIT;
	for (const char *p = text; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close || close - p > 40) {
			buf_putc(&b, *p++);
			continue;
		}
		char path[41];
		snprintf(path, sizeof(path), "%.*s", (int)(close - p - 1), p + 1);
		json_t *v = data;
		for (char *part = path, *dot; v && part; part = dot ? dot + 1 : NULL) {
			dot = strchr(part, '.');
			if (dot)
				*dot = '\0';
			v = json_object_get(v, part);
		}
		if (json_is_string(v))
			buf_printf(&b, "%s", json_string_value(v));
		else if (json_is_integer(v))
			buf_printf(&b, "%lld", (long long)json_integer_value(v));
		else if (b.len && b.data[b.len - 1] == ' ')
			b.data[--b.len] = '\0';
		p = close + 1;
	}
	const char *out = arena_strdup(&rq->arena, b.len ? b.data : "");
	buf_release(&b);
	return out;
}

/* Renders body template `name` inside the layout. Takes data. */
void page_render(struct request *rq, unsigned status, const char *name,
			const char *title_key, json_t *data)
{
	struct buf body = BUF_INIT;
	char csrf[33] = "";
	page_lang(rq);
	if (rq->authenticated && rq->token)
		page_csrf(rq->token, csrf);
	json_object_set_new(data, "lang", json_string(msg_lang_tag(rq->lang)));
	if (rq->authenticated) {
		/* Every page passes through the one mask. The only exception is the number an
		 * auditor or registrar asked to reveal on a person's page, which was audited. */
		json_t *revealed = json_incref(json_object_get(data, "revealed"));
		json_object_del(data, "revealed");
		privacy_present(rq->actor.role, data);
		if (revealed)
			json_object_set_new(data, "revealed", revealed);
		/* and who is responsible, did or owns something by their name, not their login */
		user_names_show(&rq->cx, data, NULL);
	}
	size_t i;
	json_t *fd;
	json_array_foreach(json_object_get(data, "fields"), i, fd)
		if (!json_object_get(fd, "type") && !json_object_get(fd, "inputmode"))
			page_field_input(fd, 0);	/* the forms not built from a kind: by name */
	if (!json_object_get(data, "csrf"))	/* the log-in form brings its own */
		json_object_set_new(data, "csrf", json_string(csrf));
	template_render(name, data, rq->lang, &body);
	json_t *layout = json_pack("{s:s, s:s, s:s}", "lang", msg_lang_tag(rq->lang),
				   "title", msg_get(rq->lang, title_key), "body", body.data);
	if (rq->authenticated)
		json_object_set_new(layout, "user", json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}",
			"username", rq->actor.full_name[0] ? rq->actor.full_name : rq->actor.username,
			"role", msg_get(rq->lang, arena_printf(&rq->arena,
			"role_%s", role_names[rq->actor.role])), "csrf", csrf,
			"admin", role_is_admin(rq->actor.role), "reviewer",
			role_reviews_audit(rq->actor.role),
			"editor", role_can_edit_registry(rq->actor.role),
			"volunteer", rq->actor.role == ROLE_VOLUNTEER));
	/* the language switch comes back to this page (a GET's only: a form's answer is not
	 * a page to come back to) */
	if (strcmp(rq->method, "GET") == 0)
		json_object_set_new(layout, "here", json_string(page_url_encode(rq, rq_here(rq))));
	/* after a save, the page it led to says so: ?saved=WHAT, the message saved_WHAT, its
	 * {key}s the values this page shows (its heading's: the record that was saved) */
	const char *saved = rq_query(rq, "saved"), *mac = rq_query(rq, "mac");
	char want[PAGE_SAVED_MAC_LEN + 1] = "";
	if (saved && mac && strlen(saved) < 40)	/* only a confirmation made for this session */
		page_saved_mac(rq->token, saved, rq->path, strlen(rq->path), want);
	if (saved && status == 200 && *want && page_same_token(mac, want)) {
		char key[48];
		snprintf(key, sizeof(key), "saved_%s", saved);
		if (msg_has(key))
			json_object_set_new(layout, "flash", json_string(flash_text(rq,
				msg_get(rq->lang, key), data)));
	}
	/* a refused form far down its page: said at the top as well, right under the header,
	 * with a link to the form (a page without a script lands at its top) */
	json_t *alert = json_object_get(data, "page_alert");
	if (json_is_object(alert))
		json_object_update(layout, alert);
	buf_reset(&rq->out);
	template_render("layout", layout, rq->lang, &rq->out);
	json_decref(layout);
	json_decref(data);
	buf_release(&body);
	rq->status = status;
	rq->content_type = "text/html; charset=utf-8";
	security_headers(rq);
}

void page_error(struct request *rq, enum outcome res, const char *title_key)
{
	rq_retry_after(rq, res);
	/* a page not found may exist outside the user's area: say so, the same for every
	 * page not found, so the answer tells nothing of whether it exists */
	bool missing = res == OUT_NOT_FOUND && rq->actor.user_id;
	/* a write refused (a form's answer): its message is an alert, as a form's errors are */
	page_render(rq, outcome_status(res), "error", title_key,
		    json_pack("{s:s, s:s, s:b, s:b}", "title", msg_get(rq->lang, title_key),
			      "message", msg_get(rq->lang, missing ? "page_not_found_detail" : title_key),
			      "ask_access", missing, "refused", strcmp(rq->method, "POST") == 0));
}

/* Decodes application/x-www-form-urlencoded into a JSON object of strings; NULL when it
 * is not valid UTF-8 text. */
json_t *page_form(struct request *rq)
{
	if (rq->form)	/* decoded already by the dispatcher's CSRF check */
		return json_incref(rq->form);
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
				else if (*s == '%' && e - s >= 3 && isxdigit((unsigned char)s[1]) &&
					 isxdigit((unsigned char)s[2])) {
					/* two hex digits exactly: strtol alone would also take a sign
					 * or a space ("%+9" as a tab); anything else stays literal */
					char hex[3] = {s[1], s[2], 0};
					buf_putc(b, (char)strtol(hex, NULL, 16));
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


/* <option>s for the values of a code list, labelled from the catalogue (PREFIX_VALUE). */
json_t *page_code_options(struct request *rq, const char *const *values, const char *prefix,
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

const char *page_field_error(struct request *rq, const char *field)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strcmp(rq->errs.items[i].field, field) == 0)
			return msg_get(rq->lang, rq->errs.items[i].code);
	return NULL;
}

json_t *page_json_text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

void page_field_input(json_t *field, char kind)
{
	const char *name = json_string_value(json_object_get(field, "name"));
	if (!name || json_is_true(json_object_get(field, "select")))
		return;
	if (kind == 'd' || (!kind && (strcmp(name, "date") == 0 || ends_with(name, "_date"))))
		json_object_set_new(field, "type", json_string("date"));
	else if (!kind && (strcmp(name, "phone") == 0 || ends_with(name, "_phone")))
		json_object_set_new(field, "type", json_string("tel"));
	else if (kind == 'i' || (!kind && strcmp(name, "pages") == 0))
		json_object_set_new(field, "inputmode", json_string("numeric"));
	else if (kind == 'r')
		json_object_set_new(field, "inputmode", json_string("decimal"));
}

static void page_time(struct request *rq, json_t *o, const char *key)
{
	const char *at = json_string_value(json_object_get(o, key));
	long long t;
	if (!at || !date_parse_instant(at, &t))
		return;
	struct tm tm;
	time_t tt = (time_t)t;
	char text[64];
	localtime_r(&tt, &tm);	/* TZ is the county's (the time_zone setting, set at start-up) */
	if (!strftime(text, sizeof(text), msg_get(rq->lang, "time_format"), &tm))	/* the language's way */
		return;
	json_object_set_new(o, arena_printf(&rq->arena, "%s_iso", key), json_string(at));
	json_object_set_new(o, key, json_string(text));
}

void page_times(struct request *rq, json_t *rows, const char *key)
{
	size_t i;
	json_t *o;
	if (json_is_object(rows))
		page_time(rq, rows, key);
	json_array_foreach(rows, i, o)
		page_time(rq, o, key);
}

bool page_safe_return(const char *to)
{
	if (!to || to[0] != '/' || to[1] == '/' || to[1] == '\\' || strlen(to) > 2000)
		return false;
	for (const char *p = to; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '\\')
			return false;
	return true;
}

const char *page_without_saved(struct request *rq, const char *to)
{
	const char *q = strchr(to, '?'), *hash = strchr(to, '#');
	if (!q || (hash && hash < q))
		return to;
	const char *end = hash ? hash : to + strlen(to);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%.*s", (int)(q - to), to);
	for (const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);
		bool drop = (n >= 5 && strncmp(p, "saved", 5) == 0 && (n == 5 || p[5] == '=')) ||
			    (n >= 3 && strncmp(p, "mac", 3) == 0 && (n == 3 || p[3] == '='));
		if (!drop && n)
			buf_printf(&b, "%c%.*s", strchr(b.data, '?') ? '&' : '?', (int)n, p);
		p += n + (amp ? 1 : 0);
	}
	buf_puts(&b, end);
	const char *out = arena_strdup(&rq->arena, b.data);
	buf_release(&b);
	return out;
}

char *page_url_encode(struct request *rq, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), j = 0;
	char *out = arena_alloc(&rq->arena, n * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	out[j] = '\0';
	return out;
}

/* Replaces the code in o[key] by its label, the message PREFIX_CODE. */
void page_label(struct request *rq, json_t *o, const char *key, const char *prefix)
{
	const char *code = json_string_value(json_object_get(o, key));
	char k[96];
	if (!code)
		return;
	snprintf(k, sizeof(k), "%s_%s", prefix, code);
	if (msg_has(k))
		json_object_set_new(o, key, json_string(msg_get(rq->lang, k)));
}

void page_changed_fields(struct request *rq, json_t *row)
{
	const char *list = json_string_value(json_object_get(row, "changed"));
	if (!list || !*list)
		return;
	json_t *words = json_array(), *w;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		char k[96];
		snprintf(k, sizeof(k), "field_%.*s", (int)(n < 80 ? n : 80), p);
		const char *word = msg_has(k) ? msg_get(rq->lang, k) : arena_strndup(&rq->arena, p, n);
		bool again = false;	/* a code and its name (origin_village, _name) are one field */
		size_t i;
		json_array_foreach(words, i, w)
			again |= strcmp(json_string_value(w), word) == 0;
		if (!again)
			json_array_append_new(words, json_string(word));
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	struct buf b = BUF_INIT;
	size_t i;
	json_array_foreach(words, i, w)
		buf_printf(&b, "%s%s", i ? msg_get(rq->lang, "list_separator") : "", json_string_value(w));
	json_object_set_new(row, "changed", json_string(b.data ? b.data : ""));
	buf_release(&b);
	json_decref(words);
}

void page_doc_type_names(struct request *rq, json_t *items)
{
	size_t i;
	json_t *it;
	if (rq->lang != LANG_EN)
		return;
	json_array_foreach(items, i, it)
		if (json_is_string(json_object_get(it, "doc_type_name_en")))
			json_object_set(it, "doc_type_name", json_object_get(it, "doc_type_name_en"));
}

const char *page_doc_type_name(enum lang lang, json_t *types, const char *code)
{
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t)
		if (strcmp(json_string_value(json_object_get(t, "code")), code) == 0)
			return json_string_value(json_object_get(t, lang == LANG_EN ? "name_en" : "name"));
	return code;
}

void page_worklist_detail(enum lang lang, struct arena *a, const char *rule, json_t *types, json_t *entry)
{
	json_t *dv = json_object_get(entry, "detail");
	const char *d = json_is_integer(dv) ? arena_printf(a, "%lld", (long long)json_integer_value(dv))
		: json_string_value(dv);
	const char *words = NULL;
	struct buf b = BUF_INIT;
	bool docs = strcmp(rule, "archive_incomplete") == 0;
	if (d && (docs || strcmp(rule, "step_overdue") == 0)) {	/* "code,code,..." */
		for (const char *p = d; *p;) {
			size_t n = strcspn(p, ",");
			const char *code = arena_printf(a, "%.*s", (int)n, p);
			const char *name = docs ? page_doc_type_name(lang, types, code)
				: msg_get(lang, arena_printf(a, "step_%s", code));
			buf_printf(&b, "%s%s", b.len ? msg_get(lang, "list_separator") : "", name);
			p += n + (p[n] == ',');
		}
		words = b.data;
	} else if (strcmp(rule, "zero_employment") == 0 && d) {
		words = arena_printf(a, "%s %s", msg_get(lang, "detail_labor_count"), d);
	} else if (strcmp(rule, "visit_overdue") == 0) {
		words = d ? arena_printf(a, "%s %s", msg_get(lang, "glance_last_visit"), d)
			  : msg_get(lang, "glance_never_visited");
	} else if (strcmp(rule, "no_pension_insurance") == 0 && d) {
		words = arena_printf(a, "%s %s", msg_get(lang, "col_birth"), d);
	} else if (d) {
		const char *key = arena_printf(a, "detail_%s", d);
		if (msg_has(key))
			words = msg_get(lang, key);
	}
	if (words)
		json_object_set_new(entry, "detail", json_string(words));
	buf_release(&b);
}

/* Members as a page shows them: ID numbers masked, codes as words. */
void page_present_members(struct request *rq, json_t *members)
{
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) {
		char masked[PRIVACY_MASK_MAX];
		privacy_mask_id(json_string_value(json_object_get(m, "id_number")), masked);
		json_object_set_new(m, "id_masked", json_string(masked));
		json_object_del(m, "id_number");
		json_object_del(m, "phone");
		page_label(rq, m, "relation", "relation");
		page_label(rq, m, "gender", "gender");
		page_label(rq, m, "labor_capacity", "labor");
	}
}

const char *page_form_value(json_t *f, const char *key)
{
	const char *v = json_string_value(json_object_get(f, key));
	return v ? v : "";
}

/* Horizontal bars, one per row: label, value; a second series drawn over the first. Each
 * bar is a link whose text (the row's name and value) is the chart's text alternative;
 * the svg has no role="img", which would hide those links from assistive technology.
 * Rows are fixed in pixels and bars in percent of the width (no viewBox): a row is a
 * 24-px tap target on a phone as on a wide screen, and the chart never overflows. */
#define CHART_ROW 28	/* px from one row to the next */
#define CHART_BAR 24	/* px: the row's link, its bar */
/* A figure as the chart writes it: an integer as it is, a real with one decimal. */
static void put_figure(struct buf *b, json_t *v)
{
	if (json_is_integer(v))
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	else
		buf_printf(b, "%.1f", json_number_value(v));
}

char *page_svg_bar_chart(struct request *rq, json_t *rows, const char *label_key,
			 const char *value_key, const char *over_key, const char *link_prefix,
			 const struct chart_words *wd)
{
	struct buf b = BUF_INIT;
	size_t i, n = json_array_size(rows);
	json_t *row;
	double max = 1;
	json_array_foreach(rows, i, row)
		if (json_number_value(json_object_get(row, value_key)) > max)
			max = json_number_value(json_object_get(row, value_key));
	buf_printf(&b, "<svg class=\"chart\" role=\"group\" aria-labelledby=\"%s\" width=\"100%%\" height=\"%zu\">",
		   wd->title_id, n * CHART_ROW + 4);
	json_array_foreach(rows, i, row) {
		json_t *value = json_object_get(row, value_key);
		/* the label takes the first 36 %, the bars at most 52 % after it */
		double v = json_number_value(value), w = 52.0 * v / max;
		size_t top = i * CHART_ROW + 2, base = top + 17;
		buf_puts(&b, "<a href=\"");
		template_escape_html(&b, link_prefix);
		template_escape_html(&b, json_string_value(json_object_get(row, "code")));
		buf_printf(&b, "\"><rect class=\"hit\" x=\"0\" y=\"%zu\" width=\"100%%\" height=\"%d\"/>"
			   "<text x=\"0\" y=\"%zu\">", top, CHART_BAR, base);
		template_escape_html(&b, json_string_value(json_object_get(row, label_key)));
		buf_printf(&b, "</text><rect class=\"bar\" x=\"36%%\" y=\"%zu\" width=\"%.2f%%\" height=\"%d\"/>",
			   top + 2, w, CHART_BAR - 4);
		if (over_key) {
			double o = 52.0 * json_number_value(json_object_get(row, over_key)) / max;
			buf_printf(&b, "<rect class=\"bar incomplete\" x=\"%.2f%%\" y=\"%zu\" width=\"%.2f%%\""
				   " height=\"%d\"/>", 36 + w - o, top + 2, o, CHART_BAR - 4);
		}
		buf_printf(&b, "<text x=\"%.2f%%\" dx=\"4\" y=\"%zu\">", 36 + w, base);
		put_figure(&b, value);
		buf_puts(&b, "</text></a>");
	}
	buf_puts(&b, "</svg>");
	/* the text alternative: the same figures as a table */
	buf_printf(&b, "<details class=\"chart-table\"><summary>%s</summary><table><thead><tr>"
		   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>", msg_get(rq->lang, "chart_as_table"),
		   msg_get(rq->lang, wd->label), msg_get(rq->lang, wd->value));
	if (over_key)
		buf_printf(&b, "<th scope=\"col\">%s</th>", msg_get(rq->lang, wd->over));
	buf_puts(&b, "</tr></thead><tbody>");
	json_array_foreach(rows, i, row) {
		buf_puts(&b, "<tr><td><a href=\"");
		template_escape_html(&b, link_prefix);
		template_escape_html(&b, json_string_value(json_object_get(row, "code")));
		buf_puts(&b, "\">");
		template_escape_html(&b, json_string_value(json_object_get(row, label_key)));
		buf_puts(&b, "</a></td><td class=\"n\">");
		put_figure(&b, json_object_get(row, value_key));
		if (over_key) {
			buf_puts(&b, "</td><td class=\"n\">");
			put_figure(&b, json_object_get(row, over_key));
		}
		buf_puts(&b, "</td></tr>");
	}
	buf_puts(&b, "</tbody></table></details>");
	return buf_detach(&b, NULL);
}

json_t *page_place_groups(struct request *rq, bool communities, const char *selected)
{
	json_t *groups = json_array(), *places = division_places(&rq->cx, communities), *p, *group = NULL;
	size_t i;
	char town[16] = "";
	json_array_foreach(places, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		const char *label = json_string_value(json_object_get(p, "label"));	/* "TOWN PLACE" */
		const char *space = strchr(label, ' ');
		if (!group || strncmp(code, town, 9) != 0) {	/* a town's code is its places' first 9 digits */
			snprintf(town, sizeof(town), "%.9s", code);
			group = json_pack("{s:s%, s:[]}", "label", label, space ? (size_t)(space - label) : strlen(label),
					  "options");
			json_array_append_new(groups, group);
		}
		json_array_append_new(json_object_get(group, "options"), json_pack("{s:s, s:s, s:b}", "value", code,
			"label", space ? space + 1 : label, "selected", selected && !strcmp(selected, code)));
	}
	json_decref(places);
	return groups;
}

/* The status and title come from the one outcome map (problem.c), as for the API. */
void page_outcome(struct request *rq, enum outcome res)
{
	if (res == OUT_INTERNAL && store_busy_in_tx(rq->cx.db))
		res = OUT_BUSY;
	page_error(rq, res, outcome_title_key(res));
}

/* <option>s for Songtao's villages (origin) or communities (destination). */
json_t *page_place_options(struct request *rq, bool communities, const char *selected)
{
	json_t *arr = json_array(), *places = division_places(&rq->cx, communities), *p;
	size_t i;
	json_array_foreach(places, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		json_array_append_new(arr, json_pack("{s:s, s:O, s:b}", "value", code, "label",
			json_object_get(p, "label"), "selected", selected && !strcmp(selected, code)));
	}
	json_decref(places);
	return arr;
}
