/* cache: a direct-mapped table of rendered responses with striped locks. */
#include "web/cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64

struct slot {
	char key[64];
	char *value;
	size_t len;
};

static struct slot slots[CACHE_SLOTS];
/* Readers share a stripe; a popular record is read by every worker at once. */
static pthread_rwlock_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_RWLOCK_INITIALIZER};

static uint32_t hash(const char *s)	/* FNV-1a */
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

bool cache_get(const char *key, struct buf *out)
{
	uint32_t h = hash(key) % CACHE_SLOTS;
	bool hit = false;
	pthread_rwlock_rdlock(&locks[h % STRIPES]);
	if (slots[h].value && strcmp(slots[h].key, key) == 0) {
		buf_add(out, slots[h].value, slots[h].len);
		hit = !out->failed;
	}
	pthread_rwlock_unlock(&locks[h % STRIPES]);
	return hit;
}

void cache_put(const char *key, const char *value, size_t len)
{
	if (len > CACHE_MAX_VALUE || strlen(key) >= sizeof(slots[0].key))
		return;
	char *copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, value, len);
	uint32_t h = hash(key) % CACHE_SLOTS;
	pthread_rwlock_wrlock(&locks[h % STRIPES]);
	free(slots[h].value);
	memcpy(slots[h].key, key, strlen(key) + 1);
	slots[h].value = copy;
	slots[h].len = len;
	pthread_rwlock_unlock(&locks[h % STRIPES]);
}

void cache_clear(void)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		pthread_rwlock_wrlock(&locks[i % STRIPES]);
		free(slots[i].value);
		slots[i].value = NULL;
		slots[i].key[0] = '\0';
		pthread_rwlock_unlock(&locks[i % STRIPES]);
	}
}
