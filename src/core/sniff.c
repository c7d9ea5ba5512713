/* sniff: libmagic, one cookie per thread (libmagic handles are not thread-safe), closed
 * when the thread ends. */
#include "core/sniff.h"

#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_key_t cookie_key;
static pthread_once_t cookie_once = PTHREAD_ONCE_INIT;

static void close_cookie(void *cookie)
{
	magic_close(cookie);
}

static void make_key(void)
{
	pthread_key_create(&cookie_key, close_cookie);
}

int sniff_file(const char *path, char *out, size_t cap)
{
	pthread_once(&cookie_once, make_key);
	magic_t cookie = pthread_getspecific(cookie_key);
	if (!cookie) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (!cookie || magic_load(cookie, NULL) != 0) {
			if (cookie)
				magic_close(cookie);
			return -1;
		}
		pthread_setspecific(cookie_key, cookie);
	}
	const char *m = magic_file(cookie, path);
	snprintf(out, cap, "%s", m ? m : "application/octet-stream");
	return 0;
}

static const char *const allowed[] = {
	"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/tiff",
	"application/pdf",
	"audio/mpeg", "audio/x-wav", "audio/wav", "audio/vnd.wave", "audio/ogg", "audio/mp4",
	"audio/x-m4a", "audio/aac", "audio/flac", "audio/x-flac",
	"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo",
	"video/mpeg", "video/3gpp",
	NULL,
};

bool sniff_allowed(const char *mime)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(mime, allowed[i]) == 0)
			return true;
	return false;
}

const char *sniff_kind(const char *mime)
{
	if (strncmp(mime, "image/", 6) == 0)
		return "image";
	if (strncmp(mime, "audio/", 6) == 0)
		return "audio";
	if (strncmp(mime, "video/", 6) == 0)
		return "video";
	return "document";
}
