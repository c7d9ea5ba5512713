/*
 * config: settings from defaults, then a file (key = value lines), then the environment
 * (ANJU_BIND, ANJU_PORT, ANJU_DB, ANJU_DATA, ANJU_THREADS, ANJU_MAX_BODY), then flags —
 * each later source overriding the earlier.
 */
#ifndef ANJU_CONFIG_H
#define ANJU_CONFIG_H
#include <stddef.h>
#include <stdint.h>

struct config {
	char bind[64];
	int port;
	char db_path[1024];
	char data_dir[1024];
	char public_url[256];	/* how users reach the server (QR codes on labels) */
	int threads;
	size_t max_body;	/* largest JSON request body accepted, bytes */
	uint64_t max_upload;	/* largest uploaded file, bytes */
	int session_hours;
	int fixity_interval;	/* seconds between background fixity checks; 0 = none */
	int login_max_failures;	/* per user within the window, before 429 */
	int login_window_seconds;
	int grant_hours;	/* how long a break-the-glass grant lasts */
	int audit_flush_ms;	/* read events are written at least this often */
};

void config_defaults(struct config *c);
/* Sets one key ("bind", "port", "db", "data", "threads", "max_body", "session_hours").
 * Returns 0, or -1 with a message in err. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);
/* Reads a file of `key = value` lines (# comments). Returns 0 or -1 with err. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies ANJU_* environment variables. Returns 0 or -1 with err. */
int config_load_env(struct config *c, char *err, size_t errlen);
#endif
