/* session_memo: a small table of slots chosen by the token's hash, and a generation. */
#include "domain/session_memo.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define MEMO_SLOTS 256

struct memo {
	char hash[65];
	struct actor who;
	int64_t until_ms;	/* monotonic */
	unsigned generation;
};

static struct memo memo[MEMO_SLOTS];
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint memo_generation = 1;	/* slots start at 0: never current */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct memo *slot_of(const char hash[65])
{
	unsigned v = 0;
	for (int i = 0; i < 8 && hash[i]; i++)
		v = v * 31 + (unsigned char)hash[i];
	return &memo[v % MEMO_SLOTS];
}

unsigned session_memo_generation(void)
{
	return atomic_load(&memo_generation);
}

void session_memo_keep(const char hash[65], const struct actor *who, int64_t expires,
		       unsigned generation)
{
	int64_t now = now_ms();
	int64_t until = now + SESSION_MEMO_MS;
	int64_t left_ms = (expires - (int64_t)time(NULL)) * 1000;
	if (left_ms < SESSION_MEMO_MS)
		until = now + left_ms;
	struct memo *m = slot_of(hash);
	pthread_mutex_lock(&memo_lock);
	memcpy(m->hash, hash, sizeof(m->hash));
	m->hash[64] = '\0';
	m->who = *who;
	m->who.address[0] = '\0';
	m->until_ms = until;
	m->generation = generation;
	pthread_mutex_unlock(&memo_lock);
}

bool session_memo_recall(const char hash[65], struct actor *who)
{
	struct memo *m = slot_of(hash);
	pthread_mutex_lock(&memo_lock);
	bool hit = m->generation == atomic_load(&memo_generation) && m->until_ms > now_ms() &&
		   strcmp(m->hash, hash) == 0;
	if (hit)
		*who = m->who;
	pthread_mutex_unlock(&memo_lock);
	return hit;
}

void session_memo_forget_all(void)
{
	atomic_fetch_add(&memo_generation, 1);
}
