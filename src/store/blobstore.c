/* blobstore: write-hash-fsync-rename content-addressed storage. */
#include "store/blobstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0750) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0750) && errno != EEXIST ? -1 : 0;
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
	/* Temporary files are only ever half-written uploads of a process that died. */
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, "upload-", 7) == 0)
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	return 0;
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
	snprintf(w->tmp_path, sizeof(w->tmp_path), "%s/tmp/upload-XXXXXX", b->root);
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
	unlink(path);
	return rc;
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
	return 0;
}

int blob_writer_commit(struct blob_writer *w)
{
	char path[1200], dir[1200];
	struct stat st;
	if (!w->sha256[0] || w->committed)
		return w->committed ? 0 : -1;
	blobstore_path(w->store, w->sha256, path, sizeof(path));
	if (stat(path, &st) == 0) {	/* the same bytes are stored already */
		blob_writer_abort(w);
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
	blob_writer_abort(w);
	w->committed = true;
	return 0;
}

void blob_writer_abort(struct blob_writer *w)
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

void blob_writer_uncommit(struct blob_writer *w)
{
	char path[1200];
	if (w->committed && w->created) {
		blobstore_path(w->store, w->sha256, path, sizeof(path));
		unlink(path);
	}
	w->committed = false;
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
