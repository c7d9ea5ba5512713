/* blobstore: write-hash-fsync-rename content-addressed storage. */
#include "store/blobstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

int blobstore_init(struct blobstore *b, const char *data_dir, char *err, size_t errlen)
{
	char path[1024];
	if (strlen(data_dir) >= sizeof(b->root)) {
		snprintf(err, errlen, "data folder path too long");
		return -1;
	}
	snprintf(b->root, sizeof(b->root), "%s", data_dir);
	snprintf(path, sizeof(path), "%s/blobs", data_dir);
	if (mkdir_p(path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tmp", data_dir);
	if (mkdir_p(path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Folders made before files were private to the account: close them now. */
	chmod(data_dir, 0700);
	snprintf(path, sizeof(path), "%s/blobs", data_dir);
	chmod(path, 0700);
	snprintf(path, sizeof(path), "%s/tmp", data_dir);
	chmod(path, 0700);
	blobstore_sweep_tmp(b);
	return 0;
}

/* The pid in a temporary name "upload-PID-XXXXXX..." or "export-PID-XXXXXX": 0 when the
 * name has none (made before names carried it). */
static long tmp_owner(const char *name)
{
	const char *dash = strchr(name, '-');
	char *end;
	if (!dash)
		return 0;
	long pid = strtol(dash + 1, &end, 10);
	return end > dash + 1 && *end == '-' && pid > 0 ? pid : 0;
}

int blobstore_sweep_tmp(const struct blobstore *b)
{
	char path[1024];
	int removed = 0;
	snprintf(path, sizeof(path), "%s/tmp", b->root);
	DIR *d = opendir(path);
	struct dirent *e;
	time_t now = time(NULL);
	long self = (long)getpid();
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "upload-", 7) && strncmp(e->d_name, "export-", 7))
			continue;
		/* Another process's upload in progress (a running server's, while this is a
		 * command) is left alone: only a file whose owner is gone may go. A file named
		 * with this process's own pid is from an earlier process that had the same pid
		 * (this one has made none yet). A name without a pid goes when an hour old. */
		long pid = tmp_owner(e->d_name);
		bool gone;
		if (pid)
			gone = pid == self || (kill((pid_t)pid, 0) && errno == ESRCH);
		else {
			struct stat st;
			gone = fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
			       now - st.st_mtime > BLOBSTORE_SAFE_AGE;
		}
		if (gone && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	if (d)
		closedir(d);
	return removed;
}

void blobstore_path(const struct blobstore *b, const char *sha, char *out, size_t cap)
{
	snprintf(out, cap, "%s/blobs/%.2s/%.2s/%s", b->root, sha, sha + 2, sha);
}

int blob_writer_open(const struct blobstore *b, struct blob_writer *w, uint64_t limit)
{
	memset(w, 0, sizeof(*w));
	w->store = b;
	w->limit = limit;
	/* The pid in the name says whose it is (blobstore_sweep_tmp). */
	snprintf(w->tmp_path, sizeof(w->tmp_path), "%s/tmp/upload-%ld-XXXXXX", b->root, (long)getpid());
	w->fd = mkstemp(w->tmp_path);
	if (w->fd < 0) {
		w->tmp_path[0] = '\0';
		return -1;
	}
	crypto_hash_sha256_init(&w->hash);
	return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t len)
{
	if (w->fd < 0 || w->too_large || w->failed)
		return -1;
	if (w->size + len > w->limit) {
		w->too_large = true;
		return -1;
	}
	const unsigned char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(w->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->failed = true;
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	crypto_hash_sha256_update(&w->hash, data, len);
	w->size += len;
	return 0;
}

int blob_writer_from_file(const struct blobstore *b, struct blob_writer *w, const char *path,
			  uint64_t limit)
{
	int rc = blob_writer_from_copy(b, w, path, limit);
	unlink(path);
	return rc;
}

int blob_writer_from_copy(const struct blobstore *b, struct blob_writer *w, const char *path,
			  uint64_t limit)
{
	char buf[65536];
	int fd = open(path, O_RDONLY), rc = -1;
	if (fd < 0)
		return -1;
	if (blob_writer_open(b, w, limit) == 0) {
		ssize_t n;
		rc = 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (blob_writer_write(w, buf, (size_t)n)) {
				rc = -1;
				break;
			}
		if (n < 0 || rc || blob_writer_finish(w)) {
			blob_writer_abort(w);
			rc = -1;
		}
	}
	close(fd);
	return rc;
}

static void fsync_dir_of(const char *path)
{
	char dir[1200];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

/* When a blob by this hash is stored but its bytes are not these any more (size first,
 * then the hash), puts ours in its place: a second name for our temporary file, renamed
 * over the damaged one (atomic), so re-uploading a file repairs it. The temporary file
 * stays for the caller (sniffing, thumbnails) and goes at commit or abort as usual. The
 * check runs here, before any transaction, not in commit inside one. */
static int repair_if_damaged(struct blob_writer *w)
{
	char path[1200], side[1300];
	struct stat st;
	blobstore_path(w->store, w->sha256, path, sizeof(path));
	if (stat(path, &st) != 0)
		return 0;
	if ((uint64_t)st.st_size == w->size &&
	    blobstore_verify(w->store, w->sha256, w->size) == BLOB_OK)
		return 0;
	snprintf(side, sizeof(side), "%s.repair-%ld", path, (long)getpid());
	unlink(side);
	if (link(w->tmp_path, side) || rename(side, path)) {
		unlink(side);
		w->failed = true;
		return -1;
	}
	fsync_dir_of(path);
	w->repaired = true;
	return 0;
}

int blob_writer_finish(struct blob_writer *w)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	if (w->fd < 0 || w->failed || w->too_large)
		return -1;
	crypto_hash_sha256_final(&w->hash, digest);
	sodium_bin2hex(w->sha256, sizeof(w->sha256), digest, sizeof(digest));
	if (fsync(w->fd)) {
		w->failed = true;
		return -1;
	}
	return repair_if_damaged(w);
}

/* ---------------------------------------------------------------- pins */

#define MAX_PINS 256

static pthread_mutex_t pins_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pin {
	char sha256[65];
	int n;
} pins[MAX_PINS];

/* With pins_lock held: the count of sha256 (its slot, or a free one when delta > 0). */
static int pin_add(const char *sha256, int delta)
{
	struct pin *free_slot = NULL;
	for (int i = 0; i < MAX_PINS; i++) {
		if (pins[i].n > 0 && strcmp(pins[i].sha256, sha256) == 0) {
			pins[i].n += delta;
			return pins[i].n;
		}
		if (!free_slot && pins[i].n == 0)
			free_slot = &pins[i];
	}
	if (delta > 0 && free_slot) {
		snprintf(free_slot->sha256, sizeof(free_slot->sha256), "%s", sha256);
		free_slot->n = delta;
		return delta;
	}
	return delta > 0 ? -1 : 0;	/* -1: no room; the caller must not rely on the file */
}

void blob_writer_settle(struct blob_writer *w)
{
	if (!w->pinned)
		return;
	pthread_mutex_lock(&pins_lock);
	pin_add(w->sha256, -1);
	pthread_mutex_unlock(&pins_lock);
	w->pinned = false;
}

void blob_writer_uncommit(struct blob_writer *w, bool (*referenced)(void *arg, const char *sha256),
			  void *arg)
{
	char path[1200];
	pthread_mutex_lock(&pins_lock);
	int others = w->pinned ? pin_add(w->sha256, -1) : 0;
	w->pinned = false;
	if (w->committed && w->created && others == 0 && !(referenced && referenced(arg, w->sha256))) {
		blobstore_path(w->store, w->sha256, path, sizeof(path));
		unlink(path);
	}
	pthread_mutex_unlock(&pins_lock);
	w->committed = false;
}

static int commit_locked(struct blob_writer *w);
static void drop_tmp(struct blob_writer *w);

/* Under the pins' lock, so that a failing upload's uncommit cannot remove the file between
 * this writer finding it in place and pinning it. */
int blob_writer_commit(struct blob_writer *w)
{
	pthread_mutex_lock(&pins_lock);
	int rc = commit_locked(w);
	if (rc == 0 && !w->pinned) {
		if (pin_add(w->sha256, 1) < 0)
			rc = -1;	/* too many uploads in flight at once: this one fails */
		else
			w->pinned = true;
	}
	pthread_mutex_unlock(&pins_lock);
	return rc;
}

static int commit_locked(struct blob_writer *w)
{
	char path[1200], dir[1200];
	struct stat st;
	if (!w->sha256[0] || w->committed)
		return w->committed ? 0 : -1;
	blobstore_path(w->store, w->sha256, path, sizeof(path));
	/* The same bytes are stored already (blob_writer_finish made sure they are intact,
	 * or put ours in their place): ours can go. */
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == w->size) {
		drop_tmp(w);
		w->committed = true;
		w->created = false;
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir))
		return -1;
	/* link() fails if another upload of the same bytes won the race: that copy is as
	 * good as ours. The directory is fsync'd so the new name survives a crash. */
	int linked = link(w->tmp_path, path) == 0;
	if (!linked && errno != EEXIST)
		return -1;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	w->created = linked;
	drop_tmp(w);
	w->committed = true;
	return 0;
}

/* Removes the temporary file (commit_locked calls it with the pins' lock held). */
static void drop_tmp(struct blob_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	if (w->tmp_path[0]) {
		unlink(w->tmp_path);
		w->tmp_path[0] = '\0';
	}
}

void blob_writer_abort(struct blob_writer *w)
{
	drop_tmp(w);
	blob_writer_settle(w);	/* a writer given up on relies on nothing any more */
}


enum blob_state blobstore_verify(const struct blobstore *b, const char *sha256, uint64_t size)
{
	char path[1200], hex[65];
	unsigned char buf[65536], digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	uint64_t total = 0;
	blobstore_path(b, sha256, path, sizeof(path));
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return BLOB_MISSING;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		crypto_hash_sha256_update(&st, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	return strcmp(hex, sha256) == 0 && total == size ? BLOB_OK : BLOB_CORRUPTED;
}

int blobstore_walk(const struct blobstore *b, int (*fn)(void *arg, const char *sha256,
		   long long mtime, unsigned long long size), void *arg)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/blobs", b->root);
	DIR *top = opendir(path);
	struct dirent *e1, *e2, *e3;
	int rc = 0;
	if (!top)
		return -1;
	while (rc == 0 && (e1 = readdir(top))) {
		if (strlen(e1->d_name) != 2 || e1->d_name[0] == '.')
			continue;
		char p1[1100];
		snprintf(p1, sizeof(p1), "%s/%.2s", path, e1->d_name);
		DIR *mid = opendir(p1);
		while (rc == 0 && mid && (e2 = readdir(mid))) {
			if (strlen(e2->d_name) != 2 || e2->d_name[0] == '.')
				continue;
			char p2[1200];
			snprintf(p2, sizeof(p2), "%.1100s/%.2s", p1, e2->d_name);
			DIR *leaf = opendir(p2);
			while (rc == 0 && leaf && (e3 = readdir(leaf))) {
				struct stat st;
				if (strlen(e3->d_name) != 64 ||
				    strspn(e3->d_name, "0123456789abcdef") != 64 ||
				    fstatat(dirfd(leaf), e3->d_name, &st, 0) || !S_ISREG(st.st_mode))
					continue;
				/* link() moves ctime, not mtime: the later is when it came */
				rc = fn(arg, e3->d_name, (long long)(st.st_ctime > st.st_mtime
					? st.st_ctime : st.st_mtime), (unsigned long long)st.st_size);
			}
			if (leaf)
				closedir(leaf);
		}
		if (mid)
			closedir(mid);
	}
	closedir(top);
	return rc;
}

int blobstore_remove(const struct blobstore *b, const char *sha256)
{
	char path[1200];
	blobstore_path(b, sha256, path, sizeof(path));
	return unlink(path);
}

int blobstore_restore(const struct blobstore *b, const char *sha256, uint64_t size,
		      const char *from)
{
	struct blob_writer w;
	if (blob_writer_from_copy(b, &w, from, size))
		return -1;
	if (strcmp(w.sha256, sha256) != 0 || w.size != size) {
		blob_writer_abort(&w);
		return -1;
	}
	int rc = blob_writer_commit(&w);
	blob_writer_abort(&w);
	return rc;
}
