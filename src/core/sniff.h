/*
 * sniff: what a file really is, from its bytes (libmagic), never from the client's claim;
 * and whether the archive accepts that type.
 */
#ifndef ANJU_SNIFF_H
#define ANJU_SNIFF_H
#include <stdbool.h>
#include <stddef.h>

/* Writes the MIME type of the file at path ("application/octet-stream" when unknown).
 * Returns 0, or -1 when libmagic cannot be loaded. */
int sniff_file(const char *path, char *out, size_t cap);
/* True for the types the archive keeps: pictures, PDF scans, audio and video. */
bool sniff_allowed(const char *mime);
/* "image", "audio", "video", "document" by the MIME type. */
const char *sniff_kind(const char *mime);
#endif
