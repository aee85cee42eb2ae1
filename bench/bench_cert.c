/*
 * bench_cert.c - how fast certificates are signed and verified, against
 * the bare Ed25519 operations on the same bytes (the floor), and how
 * fast the canonical writer prints numbers, against cJSON's printer.
 *
 * usage: bench_cert GRADES.jsonl NUMBERS.csv [N]
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "battgrade.h"
#include "battgrade/cert.h"
#include "battgrade/jcs.h"
#include "battgrade/models.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static cJSON *first_grade(const char *path)
{
	char *text, *nl;
	size_t len;
	bg_error err;
	cJSON *g;

	if (bg_read_file(&text, &len, path, 1 << 24, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	g = cJSON_Parse(text);
	free(text);
	return g;
}

static void bench_certs(const char *grades, int n)
{
	cJSON *g = first_grade(grades), *body;
	bg_cert_meta meta = { "DE-RP-0001", "LAB", "op", NULL, 1764144000,
			      365, "bench" };
	bg_signing_key key;
	bg_jwk_set set;
	char **files = calloc((size_t)n, sizeof(*files)), id[BG_CERT_ID_MAX];
	size_t *lens = calloc((size_t)n, sizeof(*lens)), total = 0;
	unsigned char sig[64];
	bg_error err;
	double t0, ts, tv, tb;
	int i, bad = 0;

	crypto_sign_keypair(key.pub.pk, key.sk);
	bg_jwk_thumbprint(key.pub.kid, key.pub.pk);
	bg_jwk_set_init(&set);
	bg_jwk_set_add(&set, &key.pub, &err);
	t0 = now();
	for (i = 0; i < n; i++) {
		meta.issued_at++;
		bg_cert_body_from_grade(&body, g, &meta, "b", 1, &err);
		if (bg_cert_sign(&files[i], &lens[i], id, body, &key, &err) < 0)
			exit(1);
		total += lens[i];
		cJSON_Delete(body);
	}
	ts = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++)
		bad += bg_cert_verify(files[i], lens[i], &set, NULL, &err) != 0;
	tv = now() - t0;
	/* floor: Ed25519 alone over the same number of bytes */
	t0 = now();
	for (i = 0; i < n; i++) {
		crypto_sign_detached(sig, NULL, (unsigned char *)files[i],
				     lens[i], key.sk);
		bad += crypto_sign_verify_detached(sig, (unsigned char *)files[i],
						   lens[i], key.pub.pk) != 0;
	}
	tb = now() - t0;
	printf("certificates: %d of %.0f bytes on average, %d failures\n", n,
	       (double)total / n, bad);
	printf("  build+sign   %8.0f /s  (%.1f us each)\n", n / ts, 1e6 * ts / n);
	printf("  verify       %8.0f /s  (%.1f us each)\n", n / tv, 1e6 * tv / n);
	printf("  baseline: bare Ed25519 sign+verify of the same bytes %8.0f /s"
	       "  (%.1f us each)\n", n / tb, 1e6 * tb / n);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(lens);
	bg_jwk_set_release(&set);
	cJSON_Delete(g);
}

static void bench_numbers(const char *csv)
{
	char *text, *p, buf[32];
	size_t len, n = 0, i;
	double *v, t0, tj, tc;
	bg_error err;

	if (bg_read_file(&text, &len, csv, 1 << 24, &err) < 0)
		exit(1);
	v = malloc(sizeof(*v) * (len / 16 + 1));
	for (p = strchr(text, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		uint64_t bits = strtoull(p + 1, NULL, 16);

		memcpy(&v[n++], &bits, 8);
	}
	t0 = now();
	for (i = 0; i < n; i++)
		bg_jcs_number(buf, sizeof(buf), v[i]);
	tj = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateNumber(v[i]);
		char *s = cJSON_PrintUnformatted(x);

		free(s);
		cJSON_Delete(x);
	}
	tc = now() - t0;
	printf("numbers: %zu doubles\n", n);
	printf("  RFC 8785 (ECMAScript) form  %8.2f M/s\n", n / tj / 1e6);
	printf("  baseline: cJSON print       %8.2f M/s\n", n / tc / 1e6);
	free(v);
	free(text);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long n = argc > 3 ? strtol(argv[3], NULL, 10) : 5000;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_cert GRADES.jsonl NUMBERS.csv [N]\n");
		return 64;
	}
	bg_init();
	if (n < 1 || n > 1000000) {
		fprintf(stderr, "bench_cert: N must be 1..1000000\n");
		return 64;
	}
	bench_certs(argv[1], (int)n);
	bench_numbers(argv[2]);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	return 0;
}
