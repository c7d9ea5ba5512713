/* config: layered settings with strict parsing of each value. */
#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->bind, sizeof(c->bind), "127.0.0.1");
	c->port = 8080;
	snprintf(c->db_path, sizeof(c->db_path), "var/anju.db");
	snprintf(c->data_dir, sizeof(c->data_dir), "var/data");
	snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
	c->threads = 4;
	c->max_body = 1u << 20;
	c->max_upload = (uint64_t)2 << 30;
	c->session_hours = 12;
	c->fixity_interval = 24 * 3600;
	c->grant_hours = 3;
	c->audit_flush_ms = 200;
	c->login_max_failures = 5;
	c->login_window_seconds = 900;
	c->max_connections = 512;
	c->max_connections_per_ip = 64;
	c->idle_timeout = 30;
	c->header_timeout = 10;
	c->body_timeout = 60;
	c->upload_timeout = 3600;
	c->trust_proxy = 0;
	c->busy_timeout_ms = 5000;
	snprintf(c->time_zone, sizeof(c->time_zone), "Asia/Shanghai");
	c->request_memory = 16u << 20;
	c->max_pixels = 100000000;
}

/* A time-zone name the C library will find (a file under /usr/share/zoneinfo), or a POSIX
 * TZ rule with an offset such as "CST-8". An unknown name would silently mean UTC. */
static int zone_known(const char *v)
{
	char path[160];
	if (!*v || strstr(v, "..") || strlen(v) > 60)
		return -1;
	if (strpbrk(v, "0123456789") && !strchr(v, '/'))
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", v);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fclose(f);
	return 0;
}

/* The server's limits: integer settings with their ranges, one row each. */
static const struct {
	const char *key;
	size_t offset;
	long min, max;
} int_settings[] = {
	{"max_connections", offsetof(struct config, max_connections), 16, 100000},
	{"max_connections_per_ip", offsetof(struct config, max_connections_per_ip), 1, 100000},
	{"idle_timeout", offsetof(struct config, idle_timeout), 1, 3600},
	{"header_timeout", offsetof(struct config, header_timeout), 1, 3600},
	{"body_timeout", offsetof(struct config, body_timeout), 1, 86400},
	{"upload_timeout", offsetof(struct config, upload_timeout), 1, 7 * 86400},
	{"trust_proxy", offsetof(struct config, trust_proxy), 0, 1},
};

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int set_text(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	long n;
	int rc = -1;
	for (size_t i = 0; i < sizeof(int_settings) / sizeof(int_settings[0]); i++) {
		if (strcmp(key, int_settings[i].key) != 0)
			continue;
		const char *v = strcmp(value, "true") == 0 ? "1" : strcmp(value, "false") == 0 ? "0" : value;
		if (parse_long(v, int_settings[i].min, int_settings[i].max, &n)) {
			snprintf(err, errlen, "bad value '%s' for setting '%s'", value, key);
			return -1;
		}
		*(int *)((char *)c + int_settings[i].offset) = (int)n;
		return 0;
	}
	if (strcmp(key, "bind") == 0)
		rc = set_text(c->bind, sizeof(c->bind), value);
	else if (strcmp(key, "db") == 0)
		rc = set_text(c->db_path, sizeof(c->db_path), value);
	else if (strcmp(key, "data") == 0)
		rc = set_text(c->data_dir, sizeof(c->data_dir), value);
	else if (strcmp(key, "public_url") == 0)
		rc = (strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) ||
		     strchr(value, ' ') ? -1 : set_text(c->public_url, sizeof(c->public_url), value);
	else if (strcmp(key, "port") == 0 && !(rc = parse_long(value, 0, 65535, &n)))
		c->port = (int)n;
	else if (strcmp(key, "threads") == 0 && !(rc = parse_long(value, 1, 256, &n)))
		c->threads = (int)n;
	else if (strcmp(key, "max_body") == 0 && !(rc = parse_long(value, 1024, INT_MAX, &n)))
		c->max_body = (size_t)n;
	else if (strcmp(key, "fixity_interval") == 0 && !(rc = parse_long(value, 0, 365L * 86400, &n)))
		c->fixity_interval = (int)n;
	else if (strcmp(key, "max_upload") == 0 && !(rc = parse_long(value, 1, LONG_MAX, &n)))
		c->max_upload = (uint64_t)n;
	else if (strcmp(key, "session_hours") == 0 && !(rc = parse_long(value, 1, 24 * 30, &n)))
		c->session_hours = (int)n;
	else if (strcmp(key, "login_max_failures") == 0 && !(rc = parse_long(value, 1, 1000, &n)))
		c->login_max_failures = (int)n;
	else if (strcmp(key, "busy_timeout_ms") == 0 && !(rc = parse_long(value, 10, 600000, &n)))
		c->busy_timeout_ms = (int)n;
	else if (strcmp(key, "time_zone") == 0 && !(rc = zone_known(value)))
		rc = set_text(c->time_zone, sizeof(c->time_zone), value);
	else if (strcmp(key, "request_memory") == 0 && !(rc = parse_long(value, 4096, LONG_MAX, &n)))
		c->request_memory = (size_t)n;
	else if (strcmp(key, "max_pixels") == 0 && !(rc = parse_long(value, 1, LONG_MAX, &n)))
		c->max_pixels = (uint64_t)n;
	else if (strcmp(key, "grant_hours") == 0 && !(rc = parse_long(value, 1, 72, &n)))
		c->grant_hours = (int)n;
	else if (strcmp(key, "audit_flush_ms") == 0 && !(rc = parse_long(value, 10, 10000, &n)))
		c->audit_flush_ms = (int)n;
	else if (strcmp(key, "busy_timeout_ms") && strcmp(key, "time_zone") &&
		 strcmp(key, "request_memory") && strcmp(key, "max_pixels") &&
		 strcmp(key, "grant_hours") && strcmp(key, "audit_flush_ms") &&
		 strcmp(key, "bind") && strcmp(key, "db") && strcmp(key, "data") &&
		 strcmp(key, "port") && strcmp(key, "threads") && strcmp(key, "max_body") &&
		 strcmp(key, "session_hours") && strcmp(key, "login_max_failures") &&
		 strcmp(key, "max_upload") && strcmp(key, "public_url") &&
		 strcmp(key, "fixity_interval") && strcmp(key, "grant_hours") &&
		 strcmp(key, "audit_flush_ms")) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	if (rc)
		snprintf(err, errlen, "bad value '%s' for setting '%s'", value, key);
	return rc;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048], msg[256];
	int no = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		no++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'key = value'", path, no);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		if (config_set(c, trim(s), trim(eq + 1), msg, sizeof(msg))) {
			snprintf(err, errlen, "%s:%d: %s", path, no, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int config_load_env(struct config *c, char *err, size_t errlen)
{
	static const char *const map[][2] = {
		{"ANJU_BIND", "bind"}, {"ANJU_PORT", "port"}, {"ANJU_DB", "db"},
		{"ANJU_DATA", "data"}, {"ANJU_THREADS", "threads"}, {"ANJU_MAX_BODY", "max_body"},
		{"ANJU_SESSION_HOURS", "session_hours"}, {"ANJU_MAX_UPLOAD", "max_upload"},
		{"ANJU_PUBLIC_URL", "public_url"}, {"ANJU_FIXITY_INTERVAL", "fixity_interval"},
		{"ANJU_MAX_CONNECTIONS", "max_connections"},
		{"ANJU_MAX_CONNECTIONS_PER_IP", "max_connections_per_ip"},
		{"ANJU_IDLE_TIMEOUT", "idle_timeout"}, {"ANJU_HEADER_TIMEOUT", "header_timeout"},
		{"ANJU_BODY_TIMEOUT", "body_timeout"}, {"ANJU_UPLOAD_TIMEOUT", "upload_timeout"},
		{"ANJU_TRUST_PROXY", "trust_proxy"},
		{"ANJU_BUSY_TIMEOUT_MS", "busy_timeout_ms"},
		{"ANJU_TIME_ZONE", "time_zone"}, {"ANJU_REQUEST_MEMORY", "request_memory"},
		{"ANJU_MAX_PIXELS", "max_pixels"},
		{"ANJU_GRANT_HOURS", "grant_hours"}, {"ANJU_AUDIT_FLUSH_MS", "audit_flush_ms"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = getenv(map[i][0]);
		if (v && config_set(c, map[i][1], v, err, errlen))
			return -1;
	}
	return 0;
}
