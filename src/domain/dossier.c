/* dossier: PDF rendering of a household's file and its box label. */
#include "domain/dossier.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "core/msg.h"
#include "domain/archive.h"
#include "domain/evaluation.h"
#include "domain/household.h"
#include "domain/privacy.h"

#define A4_W 595.0
#define A4_H 842.0
#define MARGIN 48.0
#define FONT "Noto Sans CJK SC"

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return ((struct buf *)closure)->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* What a page is drawn with. The font map is made per document, not pango's per-thread
 * default, so nothing outlives the request that rendered it. */
struct pen {
	cairo_t *cr;
	PangoFontMap *fonts;
	PangoContext *pc;
	const char *footer;	/* who exported the document and when, on every page */
	double page_w, page_h;
};

static void pen_open(struct pen *p, cairo_surface_t *s)
{
	p->cr = cairo_create(s);
	p->fonts = pango_cairo_font_map_new();
	p->pc = pango_font_map_create_context(p->fonts);
	pango_cairo_update_context(p->cr, p->pc);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void pen_close(struct pen *p)
{
	g_object_unref(p->pc);
	g_object_unref(p->fonts);
	cairo_destroy(p->cr);
}

/* Draws text at (x, y) within width w, wrapped (w 0: on one line, never broken: a date);
 * returns its height. */
static double text(struct pen *p, double x, double y, double w, const char *s, double size, bool bold)
{
	cairo_t *cr = p->cr;
	PangoLayout *layout = pango_layout_new(p->pc);
	char font[64];
	snprintf(font, sizeof(font), FONT " %s %.1f", bold ? "Bold" : "", size);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(layout, fd);
	if (w > 0) {
		pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(layout, s ? s : "", -1);
	pango_cairo_update_layout(cr, layout);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
	int pw, ph;
	pango_layout_get_size(layout, &pw, &ph);
	pango_font_description_free(fd);
	g_object_unref(layout);
	return (double)ph / PANGO_SCALE;
}

/* Draws text on one line, never broken (a file reference, read as one): at `size`, or as
 * much smaller as it takes to fit width w (down to 6 pt); returns its height. */
static double text_line(struct pen *p, double x, double y, double w, const char *s, double size,
			bool bold)
{
	PangoLayout *layout = pango_layout_new(p->pc);
	char font[64];
	int pw = 0, ph = 0;
	for (; size > 6; size -= 0.5) {
		snprintf(font, sizeof(font), FONT " %s %.1f", bold ? "Bold" : "", size);
		PangoFontDescription *fd = pango_font_description_from_string(font);
		pango_layout_set_font_description(layout, fd);
		pango_font_description_free(fd);
		pango_layout_set_text(layout, s ? s : "", -1);
		pango_layout_get_size(layout, &pw, &ph);
		if ((double)pw / PANGO_SCALE <= w)
			break;
	}
	g_object_unref(layout);
	return text(p, x, y, 0, s, size, bold);
}

/* Ends the page under its footer. */
static void turn_page(struct pen *p)
{
	if (p->footer) {
		cairo_save(p->cr);
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
		text(p, 12, p->page_h - 14, p->page_w - 24, p->footer, 6, false);
		cairo_restore(p->cr);
	}
	cairo_show_page(p->cr);
}

/* Author and creation time of the document, from the mark. */
static void mark_document(cairo_surface_t *s, const struct export_mark *m)
{
	if (!m)
		return;
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, m->by);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, m->iso);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, m->line);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* ---------------------------------------------------------------- thumbnails */

/* A JPEG thumbnail from the blob store as a cairo surface, or NULL. */
static cairo_surface_t *load_thumbnail(const struct blobstore *bs, const char *sha)
{
	char path[1200];
	blobstore_path(bs, sha, path, sizeof(path));
	VipsImage *in = vips_image_new_from_file(path, NULL), *rgb = NULL;
	if (!in)
		return NULL;
	cairo_surface_t *s = NULL;
	if (!vips_colourspace(in, &rgb, VIPS_INTERPRETATION_sRGB, NULL)) {
		int w = vips_image_get_width(rgb), h = vips_image_get_height(rgb);
		int bands = vips_image_get_bands(rgb);
		size_t len;
		unsigned char *px = vips_image_write_to_memory(rgb, &len);
		if (px && bands >= 3 && len >= (size_t)w * h * bands) {
			s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
			unsigned char *dst = cairo_image_surface_get_data(s);
			int stride = cairo_image_surface_get_stride(s);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					const unsigned char *p = px + ((size_t)y * w + x) * bands;
					uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
					memcpy(dst + (size_t)y * stride + (size_t)x * 4, &v, 4);
				}
			cairo_surface_mark_dirty(s);
		}
		g_free(px);
		g_object_unref(rgb);
	}
	g_object_unref(in);
	vips_error_clear();
	return s;
}

/* ---------------------------------------------------------------- the dossier */

static void cover(struct pen *cr, json_t *h, json_t *awards)
{
	char line[512], masked[PRIVACY_MASK_MAX], born[16];
	double y = MARGIN;
	y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, "易地扶贫搬迁户档案", 22, true) + 4;
	y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, "Relocated household file · 一户一档", 11, false) + 18;
	snprintf(line, sizeof(line), "档号 File reference: %.6s-%s", str(h, "origin_village"), str(h, "number"));
	y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, line, 13, true) + 12;
	static const char *const rows[][2] = {
		{"户编号 Household number", "number"}, {"户主 Head", "head_name"},
		{"类别 Category", "category"}, {"状态 Status", "status"},
		{"迁出乡镇 Origin town", "origin_town_name"}, {"迁出村 Origin village", "origin_village_name"},
		{"安置社区 Community", "dest_community_name"}, {"安置点 Site", "site_name"},
		{"房号 Room", "room"}, {"搬迁日期 Relocation date", "relocation_date"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *v = str(h, rows[i][1]);
		char key[64];
		if (i == 2 || i == 3) {	/* category and status read as words, not codes */
			snprintf(key, sizeof(key), "%s_%s", i == 2 ? "category" : "status", v);
			v = msg_get(LANG_ZH, key);
		}
		text(cr, MARGIN, y, 190, rows[i][0], 10, false);
		y += text(cr, MARGIN + 200, y, A4_W - 2 * MARGIN - 200, v, 10, true) + 5;
	}
	y += 14;
	y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, "家庭成员 Members", 13, true) + 6;
	static const double cols[] = {0, 90, 160, 200, 290};
	static const char *const heads[] = {"姓名", "关系", "性别", "出生日期", "身份证号 (部分隐藏)"};
	for (int c = 0; c < 5; c++)
		text(cr, MARGIN + cols[c], y, 160, heads[c], 9, true);
	y += 16;
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(h, "members"), i, m) {
		privacy_mask_id(str(m, "id_number"), masked);
		/* the birth date, or for roles that may not see it (privacy_present) the age */
		snprintf(born, sizeof(born), "%s", str(m, "birth_date"));
		if (!*born && json_is_integer(json_object_get(m, "age")))
			snprintf(born, sizeof(born), "%lld 岁", (long long)json_integer_value(json_object_get(m, "age")));
		char rel[48];
		snprintf(rel, sizeof(rel), "relation_%s", str(m, "relation"));
		const char *cells[] = {str(m, "name"), msg_get(LANG_ZH, rel),
				       strcmp(str(m, "gender"), "male") == 0 ? "男" : "女",
				       born, masked};
		for (int c = 0; c < 5; c++)
			text(cr, MARGIN + cols[c], y, 200, cells[c], 9, false);
		y += 14;
		if (y > A4_H - MARGIN)
			break;
	}
	if (!json_array_size(awards) || y > A4_H - MARGIN - 40)
		return;
	y += 14;	/* 文明大家比: the household's and its members' awards */
	y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, "获评荣誉 Awards", 13, true) + 6;
	json_array_foreach(awards, i, m) {
		snprintf(line, sizeof(line), "%lld  %s%s%s", (long long)json_integer_value(
			json_object_get(m, "year")), str(m, "title"), *str(m, "person_name") ? "  " : "",
			str(m, "person_name"));
		y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, line, 9, false) + 3;
		if (y > A4_H - MARGIN)
			break;
	}
}

/* The catalogue, as many pages as it takes. */
static void catalogue(struct pen *cr, json_t *items)
{
	/* Each column's left edge and width (A4 less the margins: 499 pt; pango's 96 dpi makes
	 * an 8 pt character 10.7 pt wide), so that a heading and a file reference each fit on
	 * one line (text_line shrinks rather than break one): 序号 and 页数 two characters at 9
	 * pt, a reference of some 36 characters (166 pt at 8 pt), a twelve-character title, a date's 10 digits
	 * at 8 pt; a longer title and the paper's place wrap. */
	static const double cols[] = {0, 28, 202, 342, 406, 434};
	static const double widths[] = {24, 170, 136, 60, 24, A4_W - 2 * MARGIN - 434};
	static const char *const heads[] = {"序号", "档号", "题名", "日期", "页数", "纸质原件位置"};
	size_t i;
	json_t *it;
	double y = A4_H;
	json_array_foreach(items, i, it) {
		if (y > A4_H - MARGIN - 30) {
			turn_page(cr);
			y = MARGIN;
			y += text(cr, MARGIN, y, A4_W - 2 * MARGIN, "卷内目录 Catalogue of items", 16, true) + 10;
			for (int c = 0; c < 6; c++)	/* each heading on one line within its column */
				text_line(cr, MARGIN + cols[c], y, widths[c], heads[c], 9, true);
			y += 16;
		}
		char no[16], pages[16];
		snprintf(no, sizeof(no), "%lld", (long long)json_integer_value(json_object_get(it, "item_no")));
		json_t *p = json_object_get(it, "pages");
		snprintf(pages, sizeof(pages), "%s", json_is_integer(p) ? "" : "—");
		if (json_is_integer(p))
			snprintf(pages, sizeof(pages), "%lld", (long long)json_integer_value(p));
		const char *place = json_is_string(json_object_get(it, "paper_location"))
			? str(it, "paper_location") : "仅电子版 electronic only";
		double hmax = 0, hh;
		const char *cells[] = {no, str(it, "reference_code"), str(it, "title"), str(it, "date"),
				       pages, place};
		for (int c = 0; c < 6; c++) {	/* a reference, a date, a count unbroken */
			hh = c == 2 || c == 5 ? text(cr, MARGIN + cols[c], y, widths[c], cells[c], 8, false)
				: text_line(cr, MARGIN + cols[c], y, widths[c], cells[c], 8, false);
			if (hh > hmax)
				hmax = hh;
		}
		if (strcmp(str(it, "status"), "removed") == 0)
			text(cr, MARGIN + cols[2], y + hmax, 160, "（已移除 removed）", 7, false), hmax += 10;
		y += hmax + 4;
	}
}

static void pictures(struct ctx *cx, struct pen *pen, json_t *items)
{
	cairo_t *cr = pen->cr;
	size_t i, j;
	json_t *it, *f;
	double x = MARGIN, y = A4_H, cell = 160;
	json_array_foreach(items, i, it) {
		json_array_foreach(json_object_get(it, "files"), j, f) {
			if (!json_is_string(json_object_get(f, "thumbnail_url")) ||
			    json_is_true(json_object_get(f, "superseded")))
				continue;
			char sha[65] = "";
			struct store_rows *r = store_query(cx->db, "SELECT thumbnail FROM blobs WHERE sha256 = ?",
							   "t", str(f, "sha256"));
			if (store_next(r))
				snprintf(sha, sizeof(sha), "%s", store_text(r, 0));
			store_finish(r);
			cairo_surface_t *img = *sha ? load_thumbnail(cx->blobs, sha) : NULL;
			if (!img)
				continue;
			if (y + cell + 30 > A4_H - MARGIN) {
				turn_page(pen);
				y = MARGIN;
				y += text(pen, MARGIN, y, A4_W - 2 * MARGIN, "照片 Pictures", 16, true) + 10;
				x = MARGIN;
			}
			double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
			double scale = cell / (w > h ? w : h);
			cairo_save(cr);
			cairo_translate(cr, x, y);
			cairo_scale(cr, scale, scale);
			cairo_set_source_surface(cr, img, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			text(pen, x, y + cell + 2, cell, str(it, "reference_code"), 7, false);
			cairo_surface_destroy(img);
			x += cell + 12;
			if (x + cell > A4_W - MARGIN) {
				x = MARGIN;
				y += cell + 30;
			}
		}
	}
}

enum outcome dossier_pdf(struct ctx *cx, int64_t household_id, const struct export_mark *mark,
			 struct buf *out)
{
	json_t *h = NULL, *items = NULL;
	enum outcome res = archive_household_file(cx, household_id, &h, &items);
	if (res != OUT_OK)
		return res;
	privacy_present(cx->actor->role, h);
	privacy_present(cx->actor->role, items);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, A4_W, A4_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, str(h, "number"));
	mark_document(s, mark);
	struct pen pen;
	pen_open(&pen, s);
	pen.footer = mark ? mark->line : NULL;
	pen.page_w = A4_W;
	pen.page_h = A4_H;
	json_t *awards = NULL;
	if (evaluation_awards(cx, household_id, &awards) != OUT_OK)
		awards = NULL;
	cover(&pen, h, json_object_get(awards, "items"));
	json_decref(awards);
	catalogue(&pen, items);
	pictures(cx, &pen, items);
	turn_page(&pen);
	pen_close(&pen);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	json_decref(h);
	json_decref(items);
	return st == CAIRO_STATUS_SUCCESS && !out->failed ? OUT_OK : OUT_INTERNAL;
}

/* ---------------------------------------------------------------- the label */

enum outcome dossier_label_pdf(struct ctx *cx, int64_t household_id, const char *base_url,
			       const struct export_mark *mark, struct buf *out)
{
	const double w = 283.0, h = 170.0;	/* 100 x 60 mm */
	char line[256], url[600];
	json_t *hh = NULL;
	enum outcome res = household_get(cx, household_id, &hh);
	if (res != OUT_OK)
		return res;
	privacy_present(cx->actor->role, hh);
	snprintf(url, sizeof(url), "%s/households/%lld", base_url, (long long)household_id);
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		json_decref(hh);
		return OUT_INTERNAL;
	}
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, w, h);
	mark_document(s, mark);
	struct pen pen;
	pen_open(&pen, s);
	pen.footer = mark ? mark->line : NULL;
	pen.page_w = w;
	pen.page_h = h;
	cairo_t *cr = pen.cr;
	double y = 12;
	y += text(&pen, 12, y, 160, "一户一档 档案盒", 10, true) + 4;
	snprintf(line, sizeof(line), "%.6s-%s", str(hh, "origin_village"), str(hh, "number"));
	y += text_line(&pen, 12, y, w - 110 - 10 - 12 - 6, line, 11, true) + 6;	/* left of the QR */
	snprintf(line, sizeof(line), "户主 %s", str(hh, "head_name"));
	y += text(&pen, 12, y, 160, line, 10, false) + 2;
	snprintf(line, sizeof(line), "%s %s", str(hh, "origin_town_name"), str(hh, "origin_village_name"));
	y += text(&pen, 12, y, 160, line, 9, false) + 2;
	snprintf(line, sizeof(line), "%s %s", str(hh, "dest_community_name"), str(hh, "room"));
	text(&pen, 12, y, 160, line, 9, false);
	/* The QR code with its four-module quiet zone, 110 pt wide. */
	double size = 110, module = size / (qr->width + 8), x0 = w - size - 10, y0 = (h - size) / 2;
	for (int r = 0; r < qr->width; r++)
		for (int c = 0; c < qr->width; c++)
			if (qr->data[r * qr->width + c] & 1)
				cairo_rectangle(cr, x0 + (c + 4) * module, y0 + (r + 4) * module, module, module);
	cairo_fill(cr);
	turn_page(&pen);
	pen_close(&pen);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	QRcode_free(qr);
	json_decref(hh);
	return st == CAIRO_STATUS_SUCCESS && !out->failed ? OUT_OK : OUT_INTERNAL;
}

/* ---------------------------------------------------------------- a printable list */

static double list_heads(struct pen *pen, json_t *columns, double y)
{
	double x = MARGIN;
	size_t i;
	json_t *c;
	json_array_foreach(columns, i, c) {
		double w = json_number_value(json_object_get(c, "width"));
		text(pen, x, y, w - 4, str(c, "label"), 9, true);
		x += w;
	}
	return y + 16;
}

enum outcome dossier_list_pdf(const char *title, const char *subtitle, json_t *columns,
			      json_t *rows, const struct export_mark *mark, struct buf *out)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, out, A4_W, A4_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	mark_document(s, mark);
	struct pen pen;
	pen_open(&pen, s);
	pen.footer = mark ? mark->line : NULL;
	pen.page_w = A4_W;
	pen.page_h = A4_H;
	double y = MARGIN;
	y += text(&pen, MARGIN, y, A4_W - 2 * MARGIN, title, 18, true) + 6;
	y += text(&pen, MARGIN, y, A4_W - 2 * MARGIN, subtitle, 10, false) + 14;
	y = list_heads(&pen, columns, y);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (y > A4_H - MARGIN - 20) {
			turn_page(&pen);
			y = list_heads(&pen, columns, MARGIN);
		}
		double x = MARGIN, tallest = 12;
		size_t k;
		json_t *c;
		json_array_foreach(columns, k, c) {
			double w = json_number_value(json_object_get(c, "width"));
			double h = text(&pen, x, y, w - 4, json_string_value(json_array_get(row, k)), 9,
					false);
			if (h > tallest)
				tallest = h;
			x += w;
		}
		y += tallest + 3;
	}
	turn_page(&pen);
	pen_close(&pen);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st == CAIRO_STATUS_SUCCESS && !out->failed ? OUT_OK : OUT_INTERNAL;
}

void dossier_shutdown(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}
