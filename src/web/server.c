/* server: libmicrohttpd glue — request lifecycle, body limits, response headers. */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "core/log.h"
#include "core/tar.h"
#include "domain/audit.h"
#include "domain/tx.h"
#include "domain/fixity.h"
#include "domain/import.h"
#include "web/request.h"
#include "web/routes.h"
#include "web/upload.h"

static _Thread_local struct store_conn *tls_db;

/* ---------------------------------------------------------------- slow clients */

enum conn_phase { PHASE_HEADERS, PHASE_BODY, PHASE_ANSWER, PHASE_CUT };

/* One open connection as the watchdog sees it (libmicrohttpd's socket context). */
struct conn_watch {
	int fd;
	enum conn_phase phase;
	bool upload;
	struct timespec since;		/* when the phase began (CLOCK_MONOTONIC) */
	struct conn_watch *prev, *next;
};

static void set_phase(struct server *s, struct MHD_Connection *c, enum conn_phase phase,
		      bool upload)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_watch *w = ci ? ci->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_lock);
	if (w->phase != PHASE_CUT) {
		w->phase = phase;
		w->upload = upload;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
	}
	pthread_mutex_unlock(&s->watch_lock);
}

/* libmicrohttpd tells when a connection opens and when it is closed; the CLOSED call
 * comes before it closes the socket, so a watched descriptor is always still ours. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	struct conn_watch *w = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = calloc(1, sizeof(*w));
		if (!w || !ci) {
			free(w);
			return;
		}
		w->fd = ci->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
		pthread_mutex_lock(&s->watch_lock);
		w->next = s->watched;
		if (s->watched)
			s->watched->prev = w;
		s->watched = w;
		pthread_mutex_unlock(&s->watch_lock);
		*socket_context = w;
	} else if (w) {
		pthread_mutex_lock(&s->watch_lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			s->watched = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&s->watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

/* Once a second: shuts down connections past their phase's deadline. shutdown() wakes
 * libmicrohttpd's epoll on that socket, which then closes and frees it as usual. */
/* Sleeps `seconds` or until the server stops; false when it is stopping. */
static bool wait_unless_stopping(struct server *s, int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&s->stop_lock);
	while (!s->stopping &&
	       pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &until) == 0)
		;
	bool stop = s->stopping;
	pthread_mutex_unlock(&s->stop_lock);
	return !stop;
}

static void *watchdog_loop(void *arg)
{
	struct server *s = arg;
	for (;;) {
		struct timespec now;
		if (!wait_unless_stopping(s, 1))
			return NULL;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int cut = 0;
		pthread_mutex_lock(&s->watch_lock);
		for (struct conn_watch *w = s->watched; w; w = w->next) {
			long age = (long)(now.tv_sec - w->since.tv_sec);
			long limit = w->phase == PHASE_HEADERS ? s->cfg.header_timeout
				   : w->phase == PHASE_BODY ? (w->upload ? s->cfg.upload_timeout
								     : s->cfg.body_timeout)
				   : -1;
			if (limit >= 0 && age >= limit) {
				shutdown(w->fd, SHUT_RDWR);
				w->phase = PHASE_CUT;
				cut++;
			}
		}
		s->slow_cut += cut;
		pthread_mutex_unlock(&s->watch_lock);
		if (cut)
			log_warn("http: cut off %d connection(s) too slow with headers or body", cut);
	}
}

struct store_conn *server_db(const struct server *cs)
{
	struct server *s = (struct server *)cs;
	char err[256];
	if (tls_db)
		return tls_db;
	pthread_mutex_lock(&s->conns_lock);
	if (s->nconns < MAX_WORKER_CONNS) {
		tls_db = store_connect(s->store, err, sizeof(err));
		if (tls_db)
			s->conns[s->nconns++] = tls_db;
		else
			log_error("database: %s", err);
	}
	pthread_mutex_unlock(&s->conns_lock);
	return tls_db;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, cap, "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

static struct request *request_new(struct server *s, struct MHD_Connection *c,
				   const char *method, const char *url)
{
	struct request *rq = calloc(1, sizeof(*rq));
	if (!rq)
		return NULL;
	rq->conn = c;
	rq->server = s;
	arena_init(&rq->arena, s->cfg.request_memory);
	buf_init(&rq->body);
	rq->body.limit = s->cfg.max_body + 1;
	buf_init(&rq->out);
	rq->method = arena_strdup(&rq->arena, method);
	rq->path = arena_strdup(&rq->arena, url);
	client_address(c, rq->client, sizeof(rq->client));
	verrors_init(&rq->errs, &rq->arena);
	rq->lang = msg_lang_from_header(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								    "Accept-Language"));
	snprintf(rq->actor.address, sizeof(rq->actor.address), "%s", rq->client);
	rq->cx.actor = &rq->actor;
	rq->cx.arena = &rq->arena;
	rq->cx.errs = &rq->errs;
	rq->cx.today = date_today();
	rq->cx.blobs = &s->blobs;
	rq->file_fd = -1;
	if (!rq->method || !rq->path) {
		arena_release(&rq->arena);
		free(rq);
		return NULL;
	}
	return rq;
}

static void request_free(struct request *rq)
{
	upload_release(rq->upload);
	if (rq->stream) {
		tar_release(rq->stream);
		free(rq->stream);
	}
	if (rq->file_fd >= 0)
		close(rq->file_fd);
	json_decref(rq->form);
	if (rq->body_reader && rq->body_reader_free)
		rq->body_reader_free(rq->body_reader_cls);
	buf_release(&rq->body);
	buf_release(&rq->out);
	arena_release(&rq->arena);
	free(rq);
}

static ssize_t read_tar(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;	/* libmicrohttpd reads sequentially */
	ssize_t n = tar_read(cls, buf, max);
	return n > 0 ? n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
			       : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void free_tar(void *cls)
{
	tar_release(cls);
	free(cls);
}

static enum MHD_Result send_response(struct request *rq)
{
	size_t len;
	unsigned status = rq->status ? rq->status : 500;
	struct MHD_Response *resp;
	bool is_file = rq->file_fd >= 0;
	if (rq->stream) {
		resp = MHD_create_response_from_callback(tar_size(rq->stream), 64 * 1024, read_tar,
							 rq->stream, free_tar);
		if (resp)
			rq->stream = NULL;	/* libmicrohttpd owns it now */
	} else if (rq->body_reader) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, rq->body_reader,
							 rq->body_reader_cls, rq->body_reader_free);
		if (resp)
			rq->body_reader = NULL;	/* libmicrohttpd owns its state now */
	} else if (is_file) {
		/* libmicrohttpd owns the descriptor from here and closes it (sendfile) */
		resp = MHD_create_response_from_fd_at_offset64(rq->file_length, rq->file_fd,
							       rq->file_offset);
		if (resp)
			rq->file_fd = -1;
	} else {
		char *data = buf_detach(&rq->out, &len);
		resp = MHD_create_response_from_buffer(len, data ? data : "",
			data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(data);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				rq->content_type ? rq->content_type : "application/json");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	/* Files are immutable per ETag and may be revalidated; everything else is personal data
	 * that no cache should keep. */
	MHD_add_response_header(resp, "Cache-Control", is_file ? "private, no-cache" : "no-store");
	MHD_add_response_header(resp, "Content-Language", msg_lang_tag(rq->lang));
	if (rq_https(rq))	/* browsers then refuse plain HTTP to us for a year */
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < rq->nheaders; i++)
		MHD_add_response_header(resp, rq->header_names[i], rq->header_values[i]);
	set_phase((struct server *)rq->server, rq->conn, PHASE_ANSWER, false);
	enum MHD_Result r = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result answer_too_large(struct request *rq)
{
	verrors_add(&rq->errs, "body", "body_too_large");
	rq_problem(rq, OUT_TOO_LARGE, NULL);
	return send_response(rq);
}

/* A 5xx says in the log what failed, when the store knows (a full disk, a locked or
 * corrupt database), so whoever reads it knows what to fix. */
static void log_server_error(struct request *rq)
{
	if (rq->status < 500)
		return;
	const char *why = rq->cx.db ? store_failure(rq->cx.db) : NULL;
	if (why)
		log_error("%s %s -> %u (storage: %s)", rq->method, rq->path, rq->status, why);
	else
		log_error("%s %s -> %u", rq->method, rq->path, rq->status);
}

/* libmicrohttpd calls this once with the headers, then once per piece of body, then once
 * more with no data. Routing, authentication, CSRF and size checks happen on the first
 * call, so a request that will be refused is refused before its body is read. The body's
 * size is counted as it arrives, so chunked framing cannot get past the limit either. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	(void)version;
	if (!rq) {
		rq = request_new(s, c, method, url);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		if (__atomic_load_n(&s->stopping, __ATOMIC_RELAXED)) {
			/* stopping: nothing new starts (a creation would keep the writer busy) */
			rq->retry_after = 5;
			rq_add_header(rq, MHD_HTTP_HEADER_CONNECTION, "close");
			rq_problem(rq, OUT_BUSY, NULL);
			return send_response(rq);
		}
		if (!routes_prepare(rq))
			return send_response(rq);
		bool upload = rq->route->upload;
		set_phase(s, c, PHASE_BODY, upload);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > route_body_limit(rq)) {
			rq->body_too_large = true;
			return answer_too_large(rq);
		}
		if (upload && !upload_begin(rq)) {
			verrors_add(&rq->errs, "body", rq->upload && rq->upload->malformed
				    ? "malformed_multipart" : "multipart_required");
			rq_problem(rq, rq->upload && rq->upload->malformed ? OUT_BAD_REQUEST
				   : OUT_UNSUPPORTED, NULL);
			return send_response(rq);
		}
		return MHD_YES;
	}
	if (rq->deferred) {	/* woken by rq_wake: the work handed over is done */
		rq->deferred = false;
		rq->finish(rq);
		log_server_error(rq);
		return send_response(rq);
	}
	if (*upload_size) {
		rq->received += *upload_size;
		if (rq->received > route_body_limit(rq))
			rq->body_too_large = true;	/* the rest is read and dropped */
		if (rq->body_too_large || rq->status)
			;
		else if (rq->upload)
			upload_feed(rq, upload_data, *upload_size);
		else {
			buf_add(&rq->body, upload_data, *upload_size);
			if (rq->body.failed)
				rq->body_too_large = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->status)		/* answered on the first call */
		return MHD_YES;
	/* The body is complete: from here the time is ours (a slow report, a password hash),
	 * not the client's, so the watchdog's deadlines no longer apply. */
	set_phase(s, c, PHASE_ANSWER, false);
	if (rq->body_too_large)
		return answer_too_large(rq);
	if (rq->upload) {
		upload_end(rq);
		if (rq->upload->too_large)
			return answer_too_large(rq);
	}
	routes_run(rq);
	if (rq->deferred) {	/* asleep until rq_wake; answered by rq->finish */
		rq->deferred_counted = true;
		atomic_fetch_add(&s->deferred_open, 1);
		return MHD_YES;
	}
	log_server_error(rq);
	return send_response(rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct request *rq = *con_cls;
	if (rq && rq->deferred_counted)
		atomic_fetch_sub(&((struct server *)cls)->deferred_open, 1);
	if (rq)
		request_free(rq);
	*con_cls = NULL;
	set_phase(cls, c, PHASE_HEADERS, false);	/* the next request's headers, if any */
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_warn("http: %s", msg);
}

/* Re-checks every stored file every fixity_interval seconds on a connection of its own,
 * so `anju fsck`'s findings also appear on the county report without anyone running it. */
static void *fixity_loop(void *arg)
{
	struct server *s = arg;
	char err[256];
	for (;;) {
		if (!wait_unless_stopping(s, s->cfg.fixity_interval))
			return NULL;
		struct store_conn *db = store_connect(s->store, err, sizeof(err));
		if (!db) {
			log_error("fixity: %s", err);
			continue;
		}
		struct actor system;
		struct arena a;
		struct verrors errs;
		actor_system(&system);
		arena_init(&a, 0);
		verrors_init(&errs, &a);
		struct ctx cx = {.db = db, .actor = &system, .arena = &a, .errs = &errs,
				  .today = date_today(), .blobs = &s->blobs};
		struct fixity_result res;
		if (fixity_check(&cx, &res) == 0)
			log_info("fixity: %lld files, %lld missing, %lld corrupted", (long long)res.blobs,
				 (long long)res.missing, (long long)res.corrupted);
		else
			log_error("fixity: the check could not run");
		fixity_result_release(&res);
		if (import_expire_errors(&cx, IMPORT_ERRORS_KEEP) < 0)
			log_error("imports: old errors workbooks could not be removed");
		struct audit_check chk;	/* the audit chain too, so the dashboard stays current */
		if (audit_chain_verify(&cx, &chk) == OUT_OK && chk.broken_id)
			log_error("audit: the chain is broken at row %lld (%s)",
				  (long long)chk.broken_id, chk.reason);
		arena_release(&a);
		store_disconnect(db);
	}
}

int server_start(struct server *s, const struct config *cfg, struct store *store,
		 char *err, size_t errlen)
{
	struct sockaddr_in addr;
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->store = store;
	pthread_mutex_init(&s->conns_lock, NULL);
	pthread_mutex_init(&s->stop_lock, NULL);
	pthread_mutex_init(&s->watch_lock, NULL);
	pthread_cond_init(&s->stop_cond, NULL);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->bind, &addr.sin_addr) != 1) {
		snprintf(err, errlen, "bind address '%s' is not an IPv4 address", cfg->bind);
		return -1;
	}
	if (blobstore_init(&s->blobs, cfg->data_dir, err, errlen))
		return -1;
	s->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
		MHD_ALLOW_SUSPEND_RESUME,
		(uint16_t)cfg->port, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_connections_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not permitted)",
			 cfg->bind, cfg->port);
		return -1;
	}
	if (cfg->fixity_interval > 0)
		s->fixity_running = pthread_create(&s->fixity_thread, NULL, fixity_loop, s) == 0;
	s->watchdog_running = pthread_create(&s->watchdog_thread, NULL, watchdog_loop, s) == 0;
	if (!s->watchdog_running)
		log_warn("http: no watchdog thread; slow clients are cut off by the idle timeout only");
	if (audit_reads_start(store, cfg->audit_flush_ms))
		log_error("audit: the read-event writer did not start; reads are written at stop");
	return 0;
}

int server_port(const struct server *s)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : -1;
}

void server_stop(struct server *s)
{
	pthread_mutex_lock(&s->stop_lock);
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELAXED);	/* on_request reads it unlocked */
	pthread_cond_broadcast(&s->stop_cond);
	pthread_mutex_unlock(&s->stop_lock);
	if (s->fixity_running)
		pthread_join(s->fixity_thread, NULL);
	s->fixity_running = false;
	if (s->watchdog_running)
		pthread_join(s->watchdog_thread, NULL);
	s->watchdog_running = false;
	/* New requests are refused from here (on_request); queued creations finish and their
	 * connections wake; then their answers get a moment to leave before the connections
	 * close, so no client loses the answer to a creation that was committed. */
	tx_grouped_stop();
	for (int waited_ms = 0; atomic_load(&s->deferred_open) > 0 && waited_ms < 10000;
	     waited_ms += 10)
		usleep(10000);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	audit_reads_stop();	/* every request has ended: write the last read events */
	for (int i = 0; i < s->nconns; i++)
		store_disconnect(s->conns[i]);
	s->nconns = 0;
	pthread_mutex_destroy(&s->conns_lock);
	pthread_mutex_destroy(&s->stop_lock);
	pthread_mutex_destroy(&s->watch_lock);
	pthread_cond_destroy(&s->stop_cond);
}
