/*
 * server: the HTTP server (libmicrohttpd, internal epoll thread pool). Each pool thread
 * keeps its own database connection; the server closes them all when it stops.
 *
 * Against clients that hold connections: a cap in total and per client address, an idle
 * timeout, and a watchdog that cuts off any connection whose headers are not complete
 * header_timeout seconds after it started (or after its last answer), or whose body is not
 * complete body_timeout (upload_timeout) seconds after its headers — a client sending a
 * byte a second is never idle, so idle timeouts alone do not stop it. The epoll pool does
 * not spend a thread on a waiting connection, so /healthz answers while many are held.
 */
#ifndef ANJU_SERVER_H
#define ANJU_SERVER_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/config.h"
#include "store/blobstore.h"
#include "store/store.h"

#define MAX_WORKER_CONNS 300

struct conn_watch;

struct server {
	struct config cfg;
	struct store *store;
	struct blobstore blobs;
	struct MHD_Daemon *daemon;
	pthread_mutex_t conns_lock;
	struct store_conn *conns[MAX_WORKER_CONNS];
	int nconns;
	/* the background fixity checker */
	pthread_t fixity_thread;
	bool fixity_running, stopping;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	/* the watchdog that cuts off connections too slow with their headers or body */
	pthread_t watchdog_thread;
	bool watchdog_running;
	pthread_mutex_t watch_lock;
	struct conn_watch *watched;	/* every open connection, newest first */
	long slow_cut;			/* connections cut off so far */
	_Atomic int deferred_open;	/* requests put to sleep (rq_defer) and not yet ended */
};

/* Starts serving; returns 0, or -1 with a message in err. */
int server_start(struct server *s, const struct config *cfg, struct store *store,
		 char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
int server_port(const struct server *s);
/* Stops serving and closes the worker connections. */
void server_stop(struct server *s);
/* The calling worker thread's database connection (opened on first use), or NULL. */
struct store_conn *server_db(const struct server *s);
#endif
