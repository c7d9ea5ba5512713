/* bag: BagIt export of one household's file. */
#include "domain/bag.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "domain/archive.h"
#include "domain/household.h"
#include "domain/privacy.h"

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

/* A manifest path: RFC 8493 asks for CR, LF and % to be percent-encoded. */
static void manifest_path(struct buf *b, const char *path)
{
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '\r' || *p == '\n')
			buf_printf(b, "%%%02X", (unsigned char)*p);
		else
			buf_putc(b, *p);
	}
}

/* Adds a memory entry (copied) and its manifest line. */
static int add_text(struct tar *t, const char *root, const char *name, const char *text,
		    struct buf *manifest)
{
	char sha[65], path[600];
	size_t n = strlen(text);
	sha256_hex(text, n, sha);
	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (manifest) {
		buf_printf(manifest, "%s  ", sha);
		manifest_path(manifest, name);
		buf_putc(manifest, '\n');
	}
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -1;
	memcpy(copy, text, n);
	return tar_add_memory(t, path, copy, n);
}

enum outcome bag_build(struct ctx *cx, int64_t household_id, struct tar *t, char name[40])
{
	json_t *h = NULL, *items = NULL;
	struct buf manifest = BUF_INIT, tags = BUF_INIT, info = BUF_INIT;
	enum outcome res = archive_household_file(cx, household_id, &h, &items);
	if (res != OUT_OK)
		return res;
	/* the metadata and the files' names in the bag, as this role may see them */
	privacy_present(cx->actor->role, h);
	privacy_present(cx->actor->role, items);
	const char *number = json_string_value(json_object_get(h, "number"));
	const char *village = json_string_value(json_object_get(h, "origin_village"));
	snprintf(name, 40, "%s", number);
	uint64_t octets = 0, count = 0;
	int rc = 0;

	/* payload: every file of every item, then the metadata describing them */
	size_t i, j;
	json_t *item, *file;
	json_array_foreach(items, i, item) {
		/* pictures of ID cards stay out of a bag made by a role that sees numbers masked:
		 * the item is listed, its files are not */
		if (privacy_withholds_doc_type(cx->actor->role,
					       json_string_value(json_object_get(item, "doc_type")))) {
			json_t *files = json_object_get(item, "files");
			json_object_set_new(item, "files_withheld", json_integer(
				(json_int_t)json_array_size(files)));
			json_object_set_new(item, "files", json_array());
			continue;
		}
		json_array_foreach(json_object_get(item, "files"), j, file) {
			char rel[700], path[760], blob[1200];
			const char *sha = json_string_value(json_object_get(file, "sha256"));
			snprintf(rel, sizeof(rel), "data/items/%s/%lld-%s",
				 json_string_value(json_object_get(item, "reference_code")),
				 (long long)json_integer_value(json_object_get(file, "id")),
				 json_string_value(json_object_get(file, "name")));
			snprintf(path, sizeof(path), "%s/%s", number, rel);
			blobstore_path(cx->blobs, sha, blob, sizeof(blob));
			uint64_t size = (uint64_t)json_integer_value(json_object_get(file, "size"));
			rc |= tar_add_file(t, path, blob, size);
			buf_printf(&manifest, "%s  ", sha);
			manifest_path(&manifest, rel);
			buf_putc(&manifest, '\n');
			octets += size;
			count++;
		}
	}
	json_t *meta = json_pack("{s:O, s:O}", "household", h, "items", items);
	char *meta_text = json_dumps(meta, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(meta);
	if (!meta_text) {
		rc = -1;
	} else {
		octets += strlen(meta_text);
		count++;
		rc |= add_text(t, number, "data/metadata.json", meta_text, &manifest);
		free(meta_text);
	}

	/* tag files */
	char today[11];
	date_format(cx->today, today);
	const char *bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	buf_printf(&info, "Source-Organization: %s\nBagging-Date: %s\nPayload-Oxum: %llu.%llu\n"
		   "External-Identifier: %.6s-%s\nBag-Size: %llu bytes\n", BAG_ORGANIZATION, today,
		   (unsigned long long)octets, (unsigned long long)count, village, number,
		   (unsigned long long)octets);
	rc |= add_text(t, number, "bagit.txt", bagit, &tags);
	rc |= add_text(t, number, "bag-info.txt", info.data, &tags);
	rc |= add_text(t, number, "manifest-sha256.txt", manifest.data, &tags);
	rc |= add_text(t, number, "tagmanifest-sha256.txt", tags.data, NULL);
	if (manifest.failed || tags.failed || info.failed)
		rc = -1;
	buf_release(&manifest);
	buf_release(&tags);
	buf_release(&info);
	json_decref(h);
	json_decref(items);
	return rc ? OUT_INTERNAL : OUT_OK;
}

int bag_community_households(struct ctx *cx, const char *community, struct bag_households *h)
{
	size_t cap = 0;
	bool short_of_memory = false;
	memset(h, 0, sizeof(*h));
	struct store_rows *r = store_query(cx->db, "SELECT id, number FROM households"
		" WHERE dest_community = ? AND status <> 'closed' ORDER BY id", "t", community);
	while (store_next(r)) {
		if (h->n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *grown = realloc(h->ids, cap * sizeof(*h->ids));
			char **more = grown ? realloc(h->numbers, cap * sizeof(*h->numbers)) : NULL;
			if (grown)
				h->ids = grown;
			if (!more) {
				short_of_memory = true;
				break;
			}
			h->numbers = more;
		}
		h->ids[h->n] = store_int(r, 0);
		h->numbers[h->n++] = arena_strdup(cx->arena, store_text(r, 1));
	}
	int rc = store_finish(r);
	return rc == STORE_OK && short_of_memory ? STORE_ERROR : rc;
}
