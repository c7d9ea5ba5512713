/* media: libvips thumbnails and reference copies, libavformat metadata. */
#include "core/media.h"

#include <libavformat/avformat.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

static unsigned long long max_pixels = 100000000ULL;

void media_set_max_pixels(unsigned long long max)
{
	max_pixels = max;
}

int media_init(const char *argv0)
{
	if (VIPS_INIT(argv0 ? argv0 : "anju"))
		return -1;
	/* Every file is seen once: an operation cache would only hold memory. */
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	av_log_set_level(AV_LOG_QUIET);
	return 0;
}

void media_shutdown(void)
{
	vips_shutdown();
}

static void inspect_av(const char *path, struct media_info *info)
{
	AVFormatContext *fmt = NULL;
	if (avformat_open_input(&fmt, path, NULL, NULL) != 0)
		return;
	if (avformat_find_stream_info(fmt, NULL) >= 0) {
		if (fmt->duration > 0)
			info->duration = (double)fmt->duration / AV_TIME_BASE;
		int v = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
		int a = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
		int s = v >= 0 ? v : a;
		if (s >= 0) {
			AVCodecParameters *par = fmt->streams[s]->codecpar;
			snprintf(info->codec, sizeof(info->codec), "%s", avcodec_get_name(par->codec_id));
			if (v >= 0) {
				info->width = par->width;
				info->height = par->height;
			}
		}
	}
	avformat_close_input(&fmt);
}

static void inspect_image(const char *path, bool picture, const char *thumb_path,
			  const char *reference_path, struct media_info *info)
{
	VipsImage *thumb = NULL, *in = NULL, *upright = NULL;
	/* Opening reads the header only; the pixels are decoded when an operation pulls
	 * them. A picture over the cap goes no further. */
	if (picture && (in = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL))) {
		unsigned long long w = (unsigned long long)vips_image_get_width(in),
				   h = (unsigned long long)vips_image_get_height(in);
		if (w * h > max_pixels) {
			info->width = (int)w;
			info->height = (int)h;
			info->too_many_pixels = true;
			g_object_unref(in);
			vips_error_clear();
			return;
		}
		g_object_unref(in);
		in = NULL;
	}
	/* The thumbnail loader reads only what it needs (shrink-on-load) and turns the
	 * picture upright by its EXIF orientation; for a PDF it renders page one. */
	if (!vips_thumbnail(path, &thumb, MEDIA_THUMBNAIL_SIZE, "height", MEDIA_THUMBNAIL_SIZE,
			    NULL)) {
		if (!vips_jpegsave(thumb, thumb_path, "Q", 80, "strip", TRUE, NULL))
			info->has_thumbnail = true;
		g_object_unref(thumb);
	}
	if (picture && (in = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL))) {
		if (!vips_autorot(in, &upright, NULL)) {
			info->width = vips_image_get_width(upright);
			info->height = vips_image_get_height(upright);
			if (!vips_jpegsave(upright, reference_path, "Q", 90, NULL))
				info->has_reference = true;
			g_object_unref(upright);
		}
		g_object_unref(in);
	}
	vips_error_clear();
}

void media_inspect(const char *path, const char *mime, const char *thumb_path,
		   const char *reference_path, struct media_info *info)
{
	memset(info, 0, sizeof(*info));
	if (strncmp(mime, "image/", 6) == 0)
		inspect_image(path, true, thumb_path, reference_path, info);
	else if (strcmp(mime, "application/pdf") == 0)
		inspect_image(path, false, thumb_path, reference_path, info);
	else if (strncmp(mime, "audio/", 6) == 0 || strncmp(mime, "video/", 6) == 0)
		inspect_av(path, info);
}

int media_sample_picture(const char *path, int width, int height, unsigned seed)
{
	VipsImage *t[3] = {0};
	double a[3], b[3];
	/* A colour gradient, different for every seed. (No caption: text would pull in
	 * fontconfig for a picture nobody reads.) */
	for (int i = 0; i < 3; i++) {
		a[i] = 60 + (seed * (37 + 16 * i)) % 150;
		b[i] = 40 + (seed * (53 + 11 * i)) % 60;
	}
	int rc = vips_grey(&t[0], width, height, NULL) ||
		 vips_linear(t[0], &t[1], a, b, 3, NULL) ||
		 vips_cast_uchar(t[1], &t[2], NULL) ||
		 vips_jpegsave(t[2], path, "Q", 85, NULL);
	for (int i = 0; i < 3; i++)
		if (t[i])
			g_object_unref(t[i]);
	vips_error_clear();
	return rc ? -1 : 0;
}
