/* import_progress: the progress of running imports, in memory (see the header). */
#include "web/import_progress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct import_progress {
	bool used, running;
	int64_t user_id;
	char ticket[65];
	char phase[8];
	long rows, errors;
	time_t ended;
};

static struct import_progress slots[IMPORT_PROGRESS_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

bool import_progress_ticket_ok(const char *ticket)
{
	size_t n = ticket ? strlen(ticket) : 0;
	return n >= 8 && n <= 64 && strspn(ticket, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
					   "xyz0123456789-_") == n;
}

struct import_progress *import_progress_start(int64_t user_id, const char *ticket)
{
	struct import_progress *free_slot = NULL, *own_oldest = NULL;
	time_t now = time(NULL);
	int own = 0;
	bool busy = false;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < IMPORT_PROGRESS_SLOTS; i++) {
		struct import_progress *p = &slots[i];
		bool stale = p->used && !p->running && now - p->ended > IMPORT_PROGRESS_KEEP;
		bool mine = p->used && !stale && p->user_id == user_id;
		bool same = mine && strcmp(p->ticket, ticket) == 0;
		busy = busy || (same && p->running);	/* a ticket names one run at a time */
		own += mine;
		if (mine && !p->running && (!own_oldest || p->ended < own_oldest->ended))
			own_oldest = p;
		if (!free_slot && (!p->used || stale || (same && !p->running)))
			free_slot = p;
	}
	/* a user holds at most IMPORT_PROGRESS_PER_USER slots: past that their own oldest
	 * finished run gives way, never someone else's */
	if (own >= IMPORT_PROGRESS_PER_USER)
		free_slot = own_oldest;
	if (busy)
		free_slot = NULL;
	if (free_slot) {
		*free_slot = (struct import_progress){.used = true, .running = true,
						      .user_id = user_id};
		snprintf(free_slot->ticket, sizeof(free_slot->ticket), "%s", ticket);
		snprintf(free_slot->phase, sizeof(free_slot->phase), "check");
	}
	pthread_mutex_unlock(&lock);
	return free_slot;
}

void import_progress_note(void *arg, const char *phase, long rows, long errors)
{
	struct import_progress *p = arg;
	pthread_mutex_lock(&lock);
	snprintf(p->phase, sizeof(p->phase), "%s", phase);
	p->rows = rows;
	p->errors = errors;
	pthread_mutex_unlock(&lock);
}

void import_progress_end(struct import_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	p->running = false;
	p->ended = time(NULL);
	pthread_mutex_unlock(&lock);
}

json_t *import_progress_get(int64_t user_id, const char *ticket)
{
	json_t *out = NULL;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < IMPORT_PROGRESS_SLOTS && !out; i++) {
		struct import_progress *p = &slots[i];
		if (p->used && p->user_id == user_id && strcmp(p->ticket, ticket) == 0)
			out = json_pack("{s:s, s:I, s:I, s:b}", "phase", p->phase,
					"rows", (json_int_t)p->rows, "errors", (json_int_t)p->errors,
					"running", p->running);
	}
	pthread_mutex_unlock(&lock);
	return out;
}
