/*
 * csvbare.c - the baseline for bench/history.sh: one libcsv pass over
 * a file with empty callbacks, reading 256 KiB at a time like csvin.c,
 * counting rows.  Nothing is copied or converted: this is the rate
 * ceiling of any libcsv-based reader.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <csv.h>

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(void)data;
}

static void on_row(int c, void *data)
{
	(void)c;
	++*(unsigned long *)data;
}

int main(int argc, char **argv)
{
	static char buf[256 * 1024];
	struct csv_parser p;
	unsigned long rows = 0;
	ssize_t n;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0) {
		fprintf(stderr, "usage: csvbare FILE\n");
		return 66;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return 70;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &rows) !=
		    (size_t)n) {
			fprintf(stderr, "csvbare: %s\n",
				csv_strerror(csv_error(&p)));
			return 65;
		}
	csv_fini(&p, on_field, on_row, &rows);
	csv_free(&p);
	close(fd);
	printf("%lu\n", rows);
	return 0;
}
