/*
 * fuzz_history_chunk.c - differential target for chunked reading: any
 * bytes read as a file in small chunks, by one thread and by two, give
 * the same outcome as one pass over the same bytes in memory: the same
 * error (line, column, message), or reports whose numbers agree to
 * 1e-12 relative (sums are added in another order) and whose text is
 * identical between one thread and two.  A difference aborts.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
	int rc;
	bg_error err;
	char *json;
};

/* The log fed twice (the second feed continues the first), from memory
 * (chunk 0) or as the file at path with that chunk size and threads. */
static void run(const uint8_t *data, size_t size, const char *path,
		unsigned long long chunk, int threads, struct outcome *out)
{
	static bg_chem_limits lim = {
		"NMC", 4.2, 2.5, 0.05, 0, 45, -20, 60, 2, 4, 90, 1
	};
	bg_history *h;
	cJSON *o = NULL;
	int k;

	memset(out, 0, sizeof(*out));
	if (bg_history_new(&h, &lim, 10, &out->err) < 0)
		abort();
	bg_history_set_dates(h, 0, 1e8, 2e9);
	bg_history_set_chunk_bytes(h, chunk);
	bg_history_set_threads(h, threads);
	for (k = 0; k < 2 && out->rc == 0; k++)
		out->rc = path ? bg_history_feed_file(h, path, &out->err)
			       : bg_history_feed_mem(h, "fuzz", data, size,
						     &out->err);
	if (out->rc == 0 && bg_history_to_json(h, NULL, &o) == 0) {
		out->json = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	bg_history_free(h);
}

static int close_enough(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble ||
		       fabs(a->valuedouble - b->valuedouble) <=
		       1e-12 * fmax(fabs(a->valuedouble),
				    fabs(b->valuedouble));
	if (cJSON_IsString(a) && strcmp(a->valuestring, b->valuestring))
		return 0;
	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return 0;
	for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
		if (!close_enough(x, y))
			return 0;
	return 1;
}

static void same(const struct outcome *a, const struct outcome *b)
{
	cJSON *x, *y;
	int ok;

	if (a->rc != b->rc)
		abort();
	if (a->rc < 0) {
		if (a->err.line != b->err.line ||
		    a->err.column != b->err.column ||
		    strcmp(a->err.msg, b->err.msg))
			abort();
		return;
	}
	if (!a->json || !b->json)
		return; /* out of memory */
	x = cJSON_Parse(a->json);
	y = cJSON_Parse(b->json);
	ok = x && y && close_enough(x, y);
	cJSON_Delete(x);
	cJSON_Delete(y);
	if (!ok)
		abort();
}

/* A regular file holding the bytes: its path in path. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome pass, one, two;
	unsigned long long chunk = 16 + size % 61;
	char path[64];
	int fd;

	bg_init();
	if ((fd = as_file(data, size, path, sizeof(path))) < 0)
		return 0;
	run(data, size, NULL, 0, 1, &pass);
	run(data, size, path, chunk, 1, &one);
	run(data, size, path, chunk, 2, &two);
	same(&pass, &one);
	if (one.rc != two.rc || (one.json && two.json &&
				 strcmp(one.json, two.json)))
		abort();
	free(pass.json);
	free(one.json);
	free(two.json);
	close(fd);
	return 0;
}
