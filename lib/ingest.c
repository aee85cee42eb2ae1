/*
 * ingest.c - what the pack file loaders share: module ids checked
 * against the manifest, growable arrays.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ingest-int.h"

int bg_ingest_module(const bg_csv *r, int col, const bg_pack *pack,
		     char *id, bg_error *err)
{
	const char *s;
	size_t n;

	if (col < 0) {
		s = pack && pack->nmodules == 1 ? pack->modules[0].module_id
						 : "";
		memcpy(id, s, strlen(s) + 1);
		return 0;
	}
	s = bg_csv_field(r, (size_t)col);
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return bg_csv_error(r, (size_t)col, err, BG_EDATA,
				    _("empty module_id"));
	if (n >= BG_ID_MAX)
		return bg_csv_error(r, (size_t)col, err, BG_EDATA,
				    _("module_id longer than %d bytes"),
				    BG_ID_MAX - 1);
	memcpy(id, s, n);
	id[n] = '\0';
	if (pack && !bg_pack_module(pack, id))
		return bg_csv_error(r, (size_t)col, err, BG_EDATA,
				    _("module '%s' is not in the manifest"),
				    id);
	return 0;
}

int bg_ingest_need_module(const bg_colmap *m, const bg_csv *r,
			  const bg_pack *pack, bg_error *err)
{
	if (m->idx[BG_COL_MODULE_ID] >= 0 || !pack || pack->nmodules == 1)
		return 0;
	return bg_colmap_require(m, r, BG_COL_MODULE_ID, err);
}

int bg_ingest_grow(void *p, size_t *cap, size_t n, size_t sz)
{
	void **pp = p;
	size_t c = *cap ? *cap : 8;
	void *q;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if (!(q = realloc(*pp, c * sz)))
		return BG_ENOMEM;
	*pp = q;
	*cap = c;
	return 0;
}
