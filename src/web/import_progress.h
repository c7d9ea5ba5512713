/*
 * import_progress: how far the imports running now have got, for the page that shows it.
 *
 * An import runs inside its POST request; the browser that sent it names the run with a
 * ticket of its own choosing (?progress=TICKET) and asks, meanwhile, how many rows have
 * been read and checked (GET /api/v1/imports/progress?ticket=TICKET). A ticket is the
 * user's: another user's is not found. The table is in memory and small (an import is a
 * rare, long request); a finished run stays readable for a minute, then its slot is free.
 */
#ifndef ANJU_WEB_IMPORT_PROGRESS_H
#define ANJU_WEB_IMPORT_PROGRESS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define IMPORT_PROGRESS_SLOTS 64
#define IMPORT_PROGRESS_KEEP 60	/* seconds a finished run stays readable */
#define IMPORT_PROGRESS_PER_USER 4	/* slots one user may hold: no one fills the table */

struct import_progress;

/* True when the text may be a ticket: 8 to 64 of A-Z a-z 0-9 - _. */
bool import_progress_ticket_ok(const char *ticket);
/* A slot for the user's run named ticket (NULL when every slot is busy: the run goes on
 * without progress). */
struct import_progress *import_progress_start(int64_t user_id, const char *ticket);
/* The import's progress callback (struct import_opts.progress), arg the slot. */
void import_progress_note(void *arg, const char *phase, long rows, long errors);
/* The run has ended (its slot stays readable for IMPORT_PROGRESS_KEEP seconds). */
void import_progress_end(struct import_progress *p);
/* {phase, rows, errors, running} of the user's run named ticket; NULL when none. */
json_t *import_progress_get(int64_t user_id, const char *ticket);
#endif
