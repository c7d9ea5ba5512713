/* Unit tests for core/tar.c: the stream's length is what tar_size promised, however it is
 * read; every header block has a right checksum and the ustar magic; the pax record
 * counts its own length (also where the count gains a digit); long and UTF-8 names
 * survive; a file that changed size or vanished stops the stream; and Python's tarfile, an
 * independent reader, reads back every name and every byte. */
#include "tests/unit/cmocka_prelude.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/tar.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/anju-tar-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *copy_of(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static void add_text(struct tar *t, const char *path, const char *text)
{
	assert_int_equal(tar_add_memory(t, path, copy_of(text, strlen(text)), strlen(text)), 0);
}

/* The whole stream, read `chunk` bytes at a time; asserts each read's bounds. */
static void read_all(struct tar *t, size_t chunk, struct buf *out)
{
	char *b = malloc(chunk);
	assert_non_null(b);
	for (;;) {
		ssize_t n = tar_read(t, b, chunk);
		assert_true(n >= 0 && (size_t)n <= chunk);
		if (n == 0)
			break;
		buf_add(out, b, (size_t)n);
	}
	free(b);
	assert_false(out->failed);
}

static void write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static uint64_t octal_field(const char *f, size_t width)
{
	uint64_t v = 0;
	for (size_t i = 0; i < width && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(f[i] - '0');
	return v;
}

/* Checks one 512-byte header: the checksum over the block with its own field as spaces,
 * the ustar magic, and the type; returns the size field. */
static uint64_t check_header(const unsigned char *h, char type)
{
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	assert_int_equal(octal_field((const char *)h + 148, 8), sum);
	assert_int_equal(h[154], '\0');	/* six digits, NUL, space */
	assert_int_equal(h[155], ' ');
	assert_memory_equal(h + 257, "ustar\0" "00", 8);
	assert_int_equal(h[156], type);
	assert_int_equal(octal_field((const char *)h + 100, 8), 0644);
	assert_int_equal(h[99], '\0');	/* the name field is terminated */
	return octal_field((const char *)h + 124, 12);
}

/* Walks a whole stream as a reader would, checking every header and pax record; returns
 * the number of entries and fills paths[] (malloc'd) and sizes[]. */
static int walk(const struct buf *s, char **paths, uint64_t *sizes, int max)
{
	const unsigned char *p = (const unsigned char *)s->data;
	size_t off = 0;
	int n = 0;
	assert_int_equal(s->len % 512, 0);
	for (;;) {
		assert_true(off + 512 <= s->len);
		static const unsigned char zero[512];
		if (memcmp(p + off, zero, 512) == 0) {
			/* the end: two zero blocks and nothing after */
			assert_int_equal(off + 1024, s->len);
			assert_memory_equal(p + off + 512, zero, 512);
			return n;
		}
		assert_true(n < max);
		uint64_t pax = check_header(p + off, 'x');
		off += 512;
		/* "LEN path=...\n": LEN is the record's whole length, digits included */
		const char *rec = (const char *)p + off;
		char *sp;
		unsigned long len = strtoul(rec, &sp, 10);
		assert_int_equal(len, pax);
		assert_memory_equal(sp, " path=", 6);
		assert_int_equal(rec[len - 1], '\n');
		paths[n] = strndup(sp + 6, (size_t)(rec + len - 1 - (sp + 6)));
		off += (pax + 511) / 512 * 512;
		sizes[n] = check_header(p + off, '0');
		/* the fallback name: the path's last part, non-ASCII bytes replaced */
		const char *base = strrchr(paths[n], '/');
		base = base ? base + 1 : paths[n];
		const char *name = (const char *)p + off;
		assert_int_equal(strlen(name), strlen(base) < 99 ? strlen(base) : 99);
		for (size_t i = 0; name[i]; i++)
			assert_true((unsigned char)name[i] < 0x80 &&
				    (name[i] == base[i] || name[i] == '_'));
		off += 512 + (sizes[n] + 511) / 512 * 512;
		n++;
	}
}

/* Paths of the lengths around the pax record's digit boundary: a record of 99 bytes and
 * one that would be 100 but must then count 101. */
static char *path_of_length(size_t n, char fill)
{
	char *p = malloc(n + 1);
	assert_non_null(p);
	memset(p, fill, n);
	p[0] = 'd';
	p[1] = '/';
	p[n] = '\0';
	return p;
}

static void stream_matches_its_size_and_headers(void **state)
{
	(void)state;
	char *long_utf8 = NULL;
	struct buf name = BUF_INIT;
	buf_puts(&name, "520628/data/items/");
	for (int i = 0; i < 40; i++)
		buf_puts(&name, "证明");	/* 240 bytes of CJK */
	buf_puts(&name, ".pdf");
	long_utf8 = buf_detach(&name, NULL);

	char file[128];
	snprintf(file, sizeof(file), "%s/blob", dir);
	static char big[1500];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	write_file(file, big, sizeof(big));

	const char *paths[] = {"bag/bagit.txt", long_utf8, "bag/empty", "bag/exact-512",
			       "bag/513", NULL, NULL, NULL};
	char *p90 = path_of_length(90, 'x'), *p91 = path_of_length(91, 'y'),
	     *p1000 = path_of_length(1000, 'z');
	paths[5] = p90;
	paths[6] = p91;
	paths[7] = p1000;

	size_t chunks[] = {1, 7, 511, 512, 4096, 1 << 16};
	struct buf first = BUF_INIT;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct tar t;
		tar_init(&t, 1764403200);
		add_text(&t, paths[0], "BagIt-Version: 1.0\nxx\n\n");
		add_text(&t, paths[1], "%PDF-");
		assert_int_equal(tar_add_memory(&t, paths[2], NULL, 0), 0);
		char *b512 = malloc(513);
		memset(b512, 'q', 513);
		assert_int_equal(tar_add_memory(&t, paths[3], b512, 512), 0);
		add_text(&t, paths[4], "");
		assert_int_equal(tar_add_memory(&t, paths[4], copy_of(big, 513), 513), 0);
		add_text(&t, paths[5], "1");
		add_text(&t, paths[6], "2");
		assert_int_equal(tar_add_file(&t, paths[7], file, sizeof(big)), 0);

		struct buf s = BUF_INIT;
		read_all(&t, chunks[c], &s);
		assert_int_equal(s.len, tar_size(&t));
		if (c == 0) {
			first = s;
		} else {	/* how it is read does not change what is read */
			assert_int_equal(s.len, first.len);
			assert_memory_equal(s.data, first.data, s.len);
			buf_release(&s);
		}
		/* reading on after the end gives the end again */
		char more[8];
		assert_int_equal(tar_read(&t, more, sizeof(more)), 0);
		tar_release(&t);
	}

	char *got[16];
	uint64_t got_sizes[16];
	int n = walk(&first, got, got_sizes, 16);
	/* the empty text entry at paths[4] was added first, then the 513 bytes */
	assert_int_equal(n, 9);
	const char *want_paths[] = {paths[0], paths[1], paths[2], paths[3], paths[4], paths[4],
				    paths[5], paths[6], paths[7]};
	const uint64_t want_sizes[] = {23, 5, 0, 512, 0, 513, 1, 1, 1500};
	for (int i = 0; i < n; i++) {
		assert_string_equal(got[i], want_paths[i]);
		assert_int_equal(got_sizes[i], want_sizes[i]);
		free(got[i]);
	}
	/* the mtime of every header */
	assert_int_equal(octal_field(first.data + 136, 12), 1764403200);
	buf_release(&first);
	free(long_utf8);
	free(p90);
	free(p91);
	free(p1000);
}

/* Python's tarfile reads back what we wrote: names (pax), sizes and every byte. */
static void python_tarfile_reads_it_back(void **state)
{
	(void)state;
	if (system("python3 -c 'import tarfile' 2>/dev/null") != 0)
		skip();
	char file[128], out[128], cmd[512];
	snprintf(file, sizeof(file), "%s/photo", dir);
	snprintf(out, sizeof(out), "%s/bag.tar", dir);
	static char bytes[70000];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)(i * 7 + i / 300);
	write_file(file, bytes, sizeof(bytes));

	struct tar t;
	tar_init(&t, 1764403200);
	const char *names[] = {"5206281182010001/bag-info.txt",
		"5206281182010001/data/items/520628-2019-Y-5206281182010001-0003/17-户口簿 首页.jpg",
		"5206281182010001/data/a name with spaces, commas and \"quotes\".txt",
		"5206281182010001/empty"};
	add_text(&t, names[0], "Source-Organization: 松桃\n");
	assert_int_equal(tar_add_file(&t, names[1], file, sizeof(bytes)), 0);
	add_text(&t, names[2], "x");
	add_text(&t, names[3], "");
	struct buf s = BUF_INIT;
	read_all(&t, 1000, &s);
	write_file(out, s.data, s.len);

	/* what we expect Python to print: name, size, sha256 of the bytes */
	struct buf want = BUF_INIT;
	const char *datas[] = {"Source-Organization: 松桃\n", bytes, "x", ""};
	const size_t lens[] = {strlen(datas[0]), sizeof(bytes), 1, 0};
	for (int i = 0; i < 4; i++) {
		unsigned char h[32];
		char hex[65];
		crypto_hash_sha256(h, (const unsigned char *)datas[i], lens[i]);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		buf_printf(&want, "%s|%zu|%s|1764403200\n", names[i], lens[i], hex);
	}
	snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, tarfile, hashlib\n"
		 "with tarfile.open(sys.argv[1], encoding=\"utf-8\") as t:\n"
		 "  for m in t:\n"
		 "    assert m.isreg() and m.mode == 0o644, m\n"
		 "    d = t.extractfile(m).read()\n"
		 "    print(\"%%s|%%d|%%s|%%d\" %% (m.name, m.size, hashlib.sha256(d).hexdigest(), m.mtime))\n"
		 "' '%s'", out);
	FILE *py = popen(cmd, "r");
	assert_non_null(py);
	struct buf got = BUF_INIT;
	char line[1024];
	while (fgets(line, sizeof(line), py))
		buf_puts(&got, line);
	assert_int_equal(pclose(py), 0);
	assert_string_equal(got.data, want.data);
	buf_release(&got);
	buf_release(&want);
	buf_release(&s);
	tar_release(&t);
}

static void path_longer_than_1000_bytes_is_refused(void **state)
{
	(void)state;
	char *p = path_of_length(1001, 'w');
	struct tar t;
	char b[4096];
	tar_init(&t, 0);
	add_text(&t, p, "x");
	assert_int_equal(tar_read(&t, b, sizeof(b)), -1);
	tar_release(&t);
	/* an entry after good ones: the good ones are given, then the stream stops */
	tar_init(&t, 0);
	add_text(&t, "ok", "x");
	add_text(&t, p, "x");
	ssize_t n = tar_read(&t, b, 1536);
	assert_int_equal(n, 1536);
	assert_int_equal(tar_read(&t, b, sizeof(b)), -1);
	tar_release(&t);
	free(p);
}

static void file_that_vanished_or_changed_size_stops_the_stream(void **state)
{
	(void)state;
	char file[128], b[8192];
	snprintf(file, sizeof(file), "%s/shrinks", dir);
	write_file(file, "0123456789", 10);
	struct tar t;
	tar_init(&t, 0);
	assert_int_equal(tar_add_file(&t, "a", file, 20), 0);	/* says 20, has 10 */
	ssize_t n, total = 0;
	while ((n = tar_read(&t, b, 7)) > 0)
		total += n;
	assert_int_equal(n, -1);
	assert_true((uint64_t)total < tar_size(&t));
	tar_release(&t);

	/* one that grew: its old size of bytes would be sent, a cut copy passed off as whole */
	snprintf(file, sizeof(file), "%s/grows", dir);
	write_file(file, "0123456789", 10);
	tar_init(&t, 0);
	assert_int_equal(tar_add_file(&t, "g", file, 5), 0);
	while ((n = tar_read(&t, b, sizeof(b))) > 0)
		;
	assert_int_equal(n, -1);
	tar_release(&t);

	tar_init(&t, 0);
	snprintf(file, sizeof(file), "%s/never-there", dir);
	assert_int_equal(tar_add_file(&t, "b", file, 1), 0);
	while ((n = tar_read(&t, b, sizeof(b))) > 0)
		;
	assert_int_equal(n, -1);
	tar_release(&t);
}

/* A file past the ustar size field's 11 octal digits (8 GiB) still says its true size: the
 * pax header carries it. Only the headers are read (the file is sparse). */
static void size_past_eight_gib_is_carried_by_pax(void **state)
{
	(void)state;
	char file[128], b[4096];
	const uint64_t size = (uint64_t)8 << 30;	/* 0100000000000, twelve digits */
	snprintf(file, sizeof(file), "%s/huge", dir);
	int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);

	struct tar t;
	tar_init(&t, 0);
	assert_int_equal(tar_add_file(&t, "huge.mp4", file, size), 0);
	uint64_t total = tar_size(&t);
	ssize_t n = tar_read(&t, b, 1536);	/* pax header, its record, the ustar header */
	assert_int_equal(n, 1536);
	assert_int_equal(total, 1536 + size + 1024);
	/* the pax records: a size record with the true size */
	assert_non_null(memmem(b + 512, 512, " size=8589934592\n", 17));
	tar_release(&t);

	/* and Python agrees (it reads the headers only; the data is never read) */
	if (system("python3 -c 'import tarfile' 2>/dev/null") != 0)
		return;
	char out[128], cmd[512];
	snprintf(out, sizeof(out), "%s/huge.tar", dir);
	write_file(out, b, 1536);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, tarfile\n"
		 "t = tarfile.open(sys.argv[1])\n"
		 "m = t.firstmember\n"
		 "assert m.name == \"huge.mp4\" and m.size == 8589934592, (m.name, m.size)\n"
		 "' '%s'", out);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_matches_its_size_and_headers),
		cmocka_unit_test(python_tarfile_reads_it_back),
		cmocka_unit_test(path_longer_than_1000_bytes_is_refused),
		cmocka_unit_test(file_that_vanished_or_changed_size_stops_the_stream),
		cmocka_unit_test(size_past_eight_gib_is_carried_by_pax),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
