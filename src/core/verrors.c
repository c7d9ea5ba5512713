/* verrors: collecting validation errors. */
#include "core/verrors.h"

#include <stddef.h>
#include <string.h>

void verrors_init(struct verrors *e, struct arena *arena)
{
	e->arena = arena;
	e->n = 0;
	e->dropped = 0;
}

void verrors_add(struct verrors *e, const char *field, const char *code)
{
	verrors_addf(e, "", field, code);
}

void verrors_addf(struct verrors *e, const char *prefix, const char *name, const char *code)
{
	if (e->n >= VERRORS_MAX) {
		e->dropped++;
		return;
	}
	const char *f = arena_printf(e->arena, "%s%s", prefix ? prefix : "", name ? name : "");
	e->items[e->n].field = f ? f : "";
	e->items[e->n].code = code;
	e->n++;
}

void verrors_clear(struct verrors *e)
{
	e->n = 0;
	e->dropped = 0;
}

bool verrors_has(const struct verrors *e, const char *field)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->items[i].field, field) == 0)
			return true;
	return false;
}
