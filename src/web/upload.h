/*
 * upload: multipart/form-data bodies streamed to the blob store as they arrive
 * (web/multipart.c), so a 2 GiB video never sits in memory. Form fields are
 * kept (small, capped); file parts go to blob writers. Everything not kept by the handler
 * is removed when the request ends, however it ends.
 */
#ifndef ANJU_UPLOAD_H
#define ANJU_UPLOAD_H
#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/media.h"
#include "core/outcome.h"
#include "store/blobstore.h"
#include "web/multipart.h"

#define UPLOAD_MAX_FILES 16
#define UPLOAD_MAX_FIELDS 16
#define UPLOAD_MAX_FIELD_BYTES 4096

struct request;

struct upload_file {
	char *field;		/* form field name ("file") */
	char *name;		/* the client's file name, as sent */
	struct blob_writer w;
	char mime[96];		/* sniffed after the body ends */
	struct media_info media;	/* what the bytes told (media.h) */
	struct blob_writer thumb, reference;	/* derived images, when made */
};

struct upload {
	struct multipart mp;
	struct upload_file files[UPLOAD_MAX_FILES];
	int nfiles;
	char *field_names[UPLOAD_MAX_FIELDS];
	struct buf field_values[UPLOAD_MAX_FIELDS];
	int nfields;
	struct upload_file *current;	/* the file part being received, or NULL */
	int current_field;		/* the field being received, or -1 */
	bool too_large, too_many, failed, duplicate_field;
	bool malformed;			/* the multipart framing or a part's headers were wrong */
	bool csrf_refused;		/* a file part came before a good CSRF token (page forms) */
	bool raw;			/* the body itself is the one file (route .upload_raw) */
};

/* Starts parsing; false when the body is not multipart/form-data (415), or is but without
 * a usable boundary (u->malformed: 400). A route with .upload_raw takes any other body as
 * one file part "file", named by the query's "name" (else "upload"). */
bool upload_begin(struct request *rq);
/* Feeds a piece of the body. */
void upload_feed(struct request *rq, const char *data, size_t size);
/* Ends parsing: finishes every file (hash, fsync) and sniffs its type. */
void upload_end(struct request *rq);
/* What the parts came to, for the API and the page alike: OUT_OK, or OUT_BAD_REQUEST
 * (malformed, too many parts, a name given twice) / OUT_TOO_LARGE / OUT_INTERNAL with a
 * field error on "body" added to rq->errs. */
enum outcome upload_check(struct request *rq);
/* The form fields as a JSON object of strings (NULL-free, caller owns). */
json_t *upload_fields(struct upload *u);
/* Forgets the field of that name (the dispatcher's, once it has read the CSRF token). */
void upload_drop_field(struct upload *u, const char *name);
/* Removes every temporary file not committed. */
void upload_release(struct upload *u);
#endif
