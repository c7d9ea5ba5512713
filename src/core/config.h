/*
 * config: settings from defaults, then a file (key = value lines), then the environment
 * (ANJU_BIND, ANJU_PORT, ANJU_DB, ANJU_DATA, ANJU_THREADS, ANJU_MAX_BODY, ANJU_TIME_ZONE,
 * ANJU_REQUEST_MEMORY, ANJU_MAX_PIXELS ...), then flags —
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
	/* The server's limits against clients that hold connections (web/server.c). */
	int max_connections;	/* in total; beyond it new connections are refused */
	int max_connections_per_ip;	/* from one client address */
	int idle_timeout;	/* seconds a connection may send and read nothing */
	int header_timeout;	/* seconds from the first byte to the end of the headers */
	int body_timeout;	/* seconds for a whole (non-upload) body */
	int upload_timeout;	/* seconds for a whole upload body */
	int trust_proxy;	/* 1: believe X-Forwarded-Proto (only behind our own proxy) */
	int busy_timeout_ms;	/* a write waits this long for a locked database, then 503 */
	char time_zone[64];	/* the county's, for times shown on exports (TZ name) */
	size_t request_memory;	/* what one request may allocate from its arena, bytes */
	uint64_t max_pixels;	/* largest picture (width x height) accepted for upload */
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
