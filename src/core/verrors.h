/*
 * verrors: the field errors of one validation. Validators add every problem they find
 * and carry on, so a caller gets all of them in one answer (after Glewlwyd's
 * is_scope_valid). Field names and codes are copied into the arena.
 */
#ifndef ANJU_VERRORS_H
#define ANJU_VERRORS_H
#include <stdbool.h>

#include "core/arena.h"

#define VERRORS_MAX 64

struct field_error {
	const char *field;	/* JSON path, e.g. "members[1].id_number" */
	const char *code;	/* message key, e.g. "id_number_check" */
};

struct verrors {
	struct arena *arena;
	int n;
	int dropped;
	struct field_error items[VERRORS_MAX];
};

void verrors_init(struct verrors *e, struct arena *arena);
/* Records one error; past VERRORS_MAX they are counted, not kept. */
void verrors_add(struct verrors *e, const char *field, const char *code);
/* Same with a field built from prefix and name ("members[0]." + "name"). */
void verrors_addf(struct verrors *e, const char *prefix, const char *name, const char *code);
/* True when an error is recorded for that field. */
bool verrors_has(const struct verrors *e, const char *field);
/* Forgets every error (the work they were about was undone: they describe nothing). */
void verrors_clear(struct verrors *e);
#endif
