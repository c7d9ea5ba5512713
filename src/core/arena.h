/*
 * arena: request-scoped memory. Everything a request needs (parameters, strings, rendered
 * output) is allocated here and freed at once when the request completes (after h2o's
 * req->pool). A cap bounds what one request may take; past it allocation returns NULL.
 */
#ifndef ANJU_ARENA_H
#define ANJU_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used;
	size_t cap;
};

/* Starts an empty arena that will hand out at most `cap` bytes in all (0 = 16 MiB). */
void arena_init(struct arena *a, size_t cap);
/* Frees every allocation at once. */
void arena_release(struct arena *a);
/* Frees every allocation at once but keeps one chunk of the usual size for the next:
 * an arena emptied per row or per record (an import) then asks malloc for nothing. */
void arena_rewind(struct arena *a);
/* Returns zeroed, 16-byte aligned memory, or NULL past the cap. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
