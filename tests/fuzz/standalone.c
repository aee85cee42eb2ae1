/*
 * standalone.c - replay a fuzz target's corpus without libFuzzer.
 *
 * Linked with each tests/fuzz/fuzz_<name>.c as tests/fuzz/replay_<name>
 * (after libgit2's fuzzers/standalone_driver.c), so that plain
 * "make check" (and the sanitizer build) runs every seed input.  With
 * no arguments it replays $BG_TOP_SRCDIR/tests/fuzz/corpus/<name>,
 * where <name> comes from the program's own name.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int run_dir(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d) {
		fprintf(stderr, "cannot open corpus %s\n", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (run_file(path) < 0) {
			fprintf(stderr, "cannot read %s\n", path);
			closedir(d);
			return -1;
		}
		(*count)++;
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[4096];
	const char *base = strrchr(argv[0], '/');
	const char *top = getenv("BG_TOP_SRCDIR");
	int i, count = 0;

	base = base ? base + 1 : argv[0];
	if (!strncmp(base, "lt-", 3))
		base += 3;
	if (!strncmp(base, "replay_", 7))
		base += 7;
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (run_dir(argv[i], &count) < 0)
				return 1;
	} else {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
			 top ? top : ".", base);
		if (run_dir(dir, &count) < 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "empty corpus\n");
		return 1;
	}
	printf("%d passed, 0 failed\n", count);
	return 0;
}
