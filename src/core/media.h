/*
 * media: what the archive learns from a file's bytes — picture dimensions, audio and video
 * duration, codec and dimensions (libavformat) — and the derived images: a thumbnail of a
 * picture or of a PDF's first page, and an upright reference copy of a picture with its
 * EXIF orientation applied (libvips). Derived images are JPEG, written to files the caller
 * names, so they can go through the blob store like any upload.
 */
#ifndef ANJU_MEDIA_H
#define ANJU_MEDIA_H
#include <stdbool.h>

#define MEDIA_THUMBNAIL_SIZE 320

struct media_info {
	int width, height;	/* 0 when unknown */
	double duration;	/* seconds; 0 when not a recording */
	char codec[32];
	bool has_thumbnail, has_reference;
	bool too_many_pixels;	/* a picture over the cap: nothing derived, to be refused */
};

/* Starts libvips (once per process). Returns 0 or -1. */
int media_init(const char *argv0);
/* The largest picture (width x height) that media_inspect will decode; a bigger one is
 * judged by its header alone (too_many_pixels), so a 30,000 x 30,000 image that compresses
 * to a few kilobytes costs no CPU or disk. Set before serving (default 100 megapixels). */
void media_set_max_pixels(unsigned long long max);
void media_shutdown(void);
/* Inspects the file at path of the sniffed mime type; writes a thumbnail to thumb_path
 * and (for pictures) an upright copy to reference_path when it can. Never fails the
 * upload: what cannot be learnt stays unknown. */
void media_inspect(const char *path, const char *mime, const char *thumb_path,
		   const char *reference_path, struct media_info *info);
/* Writes a generated JPEG picture (a colour gradient) for demonstrations. Returns 0/-1. */
int media_sample_picture(const char *path, int width, int height, unsigned seed);
#endif
