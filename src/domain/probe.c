/* probe: per-user counters of lookups that found nothing (see probe.h). */
#include "domain/probe.h"

#include <pthread.h>
#include <string.h>

#include "domain/actor.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot {
	int64_t user_id;	/* 0: free */
	int misses;
	int64_t window_start;
} slots[PROBE_SLOTS];

/* With lock held: the user's slot, a free or expired one for them, or NULL when full. */
static struct slot *slot_of(int64_t user_id, int64_t now)
{
	struct slot *spare = NULL;
	size_t h = (size_t)((uint64_t)user_id * 0x9E3779B97F4A7C15u >> 52) % PROBE_SLOTS;
	for (size_t k = 0; k < PROBE_SLOTS; k++) {
		struct slot *s = &slots[(h + k) % PROBE_SLOTS];
		if (s->user_id == user_id)
			return s;
		bool expired = s->user_id && now - s->window_start >= PROBE_WINDOW;
		if (!spare && (!s->user_id || expired))
			spare = s;
		if (!s->user_id)
			break;	/* the user would have been found before a never-used slot */
	}
	if (spare) {
		spare->user_id = user_id;
		spare->misses = 0;
		spare->window_start = now;
	}
	return spare;
}

bool probe_allowed(int64_t user_id, int *retry_after)
{
	int64_t now = actor_clock();
	bool ok;
	*retry_after = 0;
	if (user_id == 0)	/* the command line: an administrator at the machine */
		return true;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(user_id, now);
	if (s && now - s->window_start >= PROBE_WINDOW) {
		s->misses = 0;
		s->window_start = now;
	}
	ok = s && s->misses < PROBE_MAX_MISSES;
	if (!ok)
		*retry_after = s ? (int)(s->window_start + PROBE_WINDOW - now) : 60;
	pthread_mutex_unlock(&lock);
	return ok;
}

void probe_missed(int64_t user_id)
{
	int64_t now = actor_clock();
	if (user_id == 0)
		return;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(user_id, now);
	if (s)
		s->misses++;
	pthread_mutex_unlock(&lock);
}

void probe_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(slots, 0, sizeof(slots));
	pthread_mutex_unlock(&lock);
}
