/* export_list: a list paged by its cursor, downloaded (export_list.h). */
#include "web/export_list.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/privacy.h"
#include "web/export.h"

/* The most texts a filter keeps. */
#define KEPT_MAX 8

struct export_list {
	export_list_page_fn page;
	void *filter;
	int64_t after;		/* the next page's cursor; -1 when the last has been read */
	char *kept[KEPT_MAX];
	int nkept;
	bool failed;
};

struct export_list *export_list_new(export_list_page_fn page, const void *filter,
				    size_t size, int64_t after)
{
	struct export_list *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->filter = malloc(size);
	if (!x->filter) {
		free(x);
		return NULL;
	}
	memcpy(x->filter, filter, size);
	x->page = page;
	x->after = after;
	return x;
}

void *export_list_filter(struct export_list *x)
{
	return x ? x->filter : NULL;
}

const char *export_list_keep(struct export_list *x, const char *text)
{
	if (!x || !text)
		return NULL;
	char *copy = x->nkept < KEPT_MAX ? strdup(text) : NULL;
	if (!copy) {
		x->failed = true;
		return NULL;
	}
	return x->kept[x->nkept++] = copy;
}

static void release(void *state)
{
	struct export_list *x = state;
	if (!x)
		return;
	for (int i = 0; i < x->nkept; i++)
		free(x->kept[i]);
	free(x->filter);
	free(x);
}

static enum outcome next_rows(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct export_list *x = state;
	json_t *page = NULL;
	enum outcome res = x->after < 0 ? OUT_OK : x->page(cx, x->filter, x->after, max, &page);
	if (res != OUT_OK)
		return res;
	if (!page) {	/* the last page has been handed */
		*rows = json_array();
		return OUT_OK;
	}
	json_t *next = json_object_get(page, "next");
	x->after = json_is_string(next) ? strtoll(json_string_value(next), NULL, 10) : -1;
	*rows = json_incref(json_object_get(page, "items"));
	json_decref(page);
	privacy_present(cx->actor->role, *rows);
	return OUT_OK;
}

void export_list_send(struct request *rq, struct export_list *x, const char *format,
		      const struct export_list_names *names)
{
	if (!x || x->failed) {
		release(x);
		rq_problem(rq, OUT_TOO_LARGE, NULL);
		return;
	}
	export_begin(rq);	/* the export right: the route row's (.export_formats) */
	audit_read(&rq->cx, "export", names->entity, 0, 0,
		   arena_printf(&rq->arena, "%s.%s", names->base, format));
	json_t *cols = json_array();
	for (int i = 0; names->keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", names->keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "%s%s", names->label_prefix,
						       names->keys[i]))));
	for (int i = 0; names->words && names->words[i] && names->words[i + 1]; i += 2)
		export_column_words(cols, names->words[i], names->words[i + 1]);
	for (int i = 0; names->catalogues && names->catalogues[i].key; i++) {
		json_t *out = NULL;
		if (names->catalogues[i].list(&rq->cx, &out) == OUT_OK)
			export_column_names(cols, names->catalogues[i].key, json_object_get(out, "items"));
		json_decref(out);
	}
	struct export_table t = {
		.name = msg_get(rq->lang, names->sheet_key), .columns = cols, .next = next_rows,
		.state = x, .release = release,
	};
	export_send(rq, format, names->base, &t, 1, 0);
}
