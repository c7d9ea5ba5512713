/* template: parse-as-you-render Mustache subset over jansson values. */
#include "web/template.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/embedded.h"

extern const struct embedded_file web_templates[];

#define MAX_DEPTH 16

struct scope {
	json_t *stack[MAX_DEPTH];
	int depth;
};

void template_escape_html(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, *s);
		}
	}
}

static json_t *lookup_in(json_t *v, const char *path, size_t len)
{
	while (v && len) {
		const char *dot = memchr(path, '.', len);
		size_t n = dot ? (size_t)(dot - path) : len;
		char key[128];
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
		if (!dot)
			break;
		path += n + 1;
		len -= n + 1;
	}
	return v;
}

static json_t *lookup(struct scope *sc, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return sc->stack[sc->depth - 1];
	for (int i = sc->depth - 1; i >= 0; i--) {
		const char *dot = memchr(name, '.', len);
		size_t first = dot ? (size_t)(dot - name) : len;
		char key[128];
		if (first >= sizeof(key))
			return NULL;
		memcpy(key, name, first);
		key[first] = '\0';
		if (json_is_object(sc->stack[i]) && json_object_get(sc->stack[i], key))
			return lookup_in(sc->stack[i], name, len);
	}
	return NULL;
}

static bool truthy(json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return false;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return true;
}

static void put_value(struct buf *out, json_t *v, bool escape)
{
	char num[64];
	const char *s = NULL;
	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), s = num;
	else if (json_is_real(v))
		snprintf(num, sizeof(num), "%.2f", json_real_value(v)), s = num;
	else if (json_is_true(v))
		s = "true";
	if (!s)
		return;
	if (escape)
		template_escape_html(out, s);
	else
		buf_puts(out, s);
}

static const char *find_template(const char *name)
{
	for (const struct embedded_file *f = web_templates; f->name; f++) {
		size_t n = strlen(name);
		if (strncmp(f->name, name, n) == 0 && strcmp(f->name + n, ".html") == 0)
			return f->content;
	}
	return NULL;
}

/* Finds the {{/name}} that closes the section opened just before `p`, honouring nesting. */
static const char *section_end(const char *p, const char *name, size_t len, const char **after)
{
	int nest = 0;
	while ((p = strstr(p, "{{"))) {
		const char *q = p + 2;
		char kind = *q;
		if ((kind == '#' || kind == '^' || kind == '/') && strncmp(q + 1, name, len) == 0 &&
		    strncmp(q + 1 + len, "}}", 2) == 0) {
			if (kind == '/' && nest-- == 0) {
				*after = q + 1 + len + 2;
				return p;
			}
			if (kind != '/')
				nest++;
		}
		p += 2;
	}
	return NULL;
}

static int render(const char *t, const char *end, struct scope *sc, enum lang lang,
		  struct buf *out, int partial_depth);

static int render_tag(const char **pp, const char *end, struct scope *sc, enum lang lang,
		      struct buf *out, int partial_depth)
{
	const char *p = *pp + 2;
	bool triple = *p == '{';
	if (triple)
		p++;
	char kind = *p;
	if (kind == '#' || kind == '^' || kind == '/' || kind == '>')
		p++;
	while (*p == ' ')
		p++;
	const char *close = strstr(p, triple ? "}}}" : "}}");
	if (!close || close > end)
		return -1;
	size_t len = (size_t)(close - p);
	while (len && p[len - 1] == ' ')
		len--;
	const char *after = close + (triple ? 3 : 2);

	if (kind == '#' || kind == '^') {
		const char *body_end, *rest;
		body_end = section_end(after, p, len, &rest);
		if (!body_end || body_end > end)
			return -1;
		json_t *v = lookup(sc, p, len);
		if (kind == '^') {
			if (!truthy(v) && render(after, body_end, sc, lang, out, partial_depth))
				return -1;
		} else if (json_is_array(v)) {
			size_t i;
			json_t *el;
			if (sc->depth == MAX_DEPTH)
				return -1;
			json_array_foreach(v, i, el) {
				sc->stack[sc->depth++] = el;
				int rc = render(after, body_end, sc, lang, out, partial_depth);
				sc->depth--;
				if (rc)
					return -1;
			}
		} else if (truthy(v)) {
			if (sc->depth == MAX_DEPTH)
				return -1;
			sc->stack[sc->depth++] = v;
			int rc = render(after, body_end, sc, lang, out, partial_depth);
			sc->depth--;
			if (rc)
				return -1;
		}
		*pp = rest;
		return 0;
	}
	if (kind == '/')
		return -1;	/* a close without an open */
	if (kind == '>') {
		char name[64];
		if (len >= sizeof(name) || partial_depth > 8)
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		const char *text = find_template(name);
		if (!text || render(text, text + strlen(text), sc, lang, out, partial_depth + 1))
			return -1;
	} else if (len > 2 && p[0] == 't' && p[1] == ' ') {
		char key[96];
		if (len - 2 >= sizeof(key))
			return -1;
		memcpy(key, p + 2, len - 2);
		key[len - 2] = '\0';
		template_escape_html(out, msg_get(lang, key));
	} else {
		put_value(out, lookup(sc, p, len), !triple);
	}
	*pp = after;
	return 0;
}

static int render(const char *t, const char *end, struct scope *sc, enum lang lang,
		  struct buf *out, int partial_depth)
{
	while (t < end) {
		if (out->failed)
			return -1;	/* past the buffer's cap: the rest would be thrown away */
		const char *open = strstr(t, "{{");
		if (!open || open >= end) {
			buf_add(out, t, (size_t)(end - t));
			return 0;
		}
		buf_add(out, t, (size_t)(open - t));
		t = open;
		if (render_tag(&t, end, sc, lang, out, partial_depth))
			return -1;
	}
	return 0;
}

int template_render_text(const char *text, json_t *data, enum lang lang, struct buf *out)
{
	struct scope sc = {{data}, 1};
	if (render(text, text + strlen(text), &sc, lang, out, 0)) {
		buf_puts(out, "<!-- template error -->");
		return -1;
	}
	return out->failed ? -1 : 0;
}

int template_render(const char *name, json_t *data, enum lang lang, struct buf *out)
{
	const char *text = find_template(name);
	if (!text) {
		buf_printf(out, "<!-- no template %s -->", name);
		return -1;
	}
	return template_render_text(text, data, lang, out);
}
