/*
 * spool.c - the outbox, sent and rejected directories (see spool.h).
 *
 * Crash safety comes from the order of renames, not from a log: the
 * certificate file itself is the record of its state.  Temporary files
 * start with '.', so listings never mistake them for certificates, and
 * they are swept when the lock is taken.  No fsync per file: a killed
 * process cannot undo a rename, and what a power cut may undo (the last
 * moves to sent/) only makes the next run send those certificates again,
 * which the registry answers "identical".  bg_spool_sync() flushes the
 * spool's file system at the end of a run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "battgrade/regverify.h"
#include "battgrade/spool.h"
#include "i18n.h"

#define PATH_LEN 4096

struct bg_spool {
	char root[PATH_LEN];
	int lock_fd;
	int dir_fd[3]; /* outbox, sent, rejected */
};

enum { OUTBOX, SENT, REJECTED };
static const char *const dir_name[3] = { "outbox", "sent", "rejected" };

static int mkdir_p(const char *path)
{
	char tmp[PATH_LEN];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

int bg_spool_open(bg_spool **out, const char *root, bg_error *err)
{
	bg_spool *sp = calloc(1, sizeof(*sp));
	char path[PATH_LEN + 16];
	int i;

	*out = NULL;
	if (!sp)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	sp->lock_fd = -1;
	snprintf(sp->root, sizeof(sp->root), "%s", root);
	for (i = 0; i < 3; i++)
		sp->dir_fd[i] = -1;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dir_name[i]);
		if (mkdir_p(path) ||
		    (sp->dir_fd[i] = open(path, O_RDONLY | O_DIRECTORY |
					  O_CLOEXEC)) < 0) {
			bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				     _("cannot create spool directory: %s"),
				     strerror(errno));
			bg_spool_free(sp);
			return BG_ECANTCREAT;
		}
	}
	*out = sp;
	return 0;
}

void bg_spool_free(bg_spool *sp)
{
	int i;

	if (!sp)
		return;
	if (sp->lock_fd >= 0)
		close(sp->lock_fd); /* releases the flock */
	for (i = 0; i < 3; i++)
		if (sp->dir_fd[i] >= 0)
			close(sp->dir_fd[i]);
	free(sp);
}

/* Remove ".tmp-*" files a killed run left in dir. */
static void sweep(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, ".tmp-", 5))
			unlinkat(dfd, e->d_name, 0);
	closedir(d);
}

int bg_spool_lock(bg_spool *sp, double wait_s, bg_error *err)
{
	char path[PATH_LEN + 16];
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	double waited = 0;
	int i;

	snprintf(path, sizeof(path), "%s/.lock", sp->root);
	sp->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (sp->lock_fd < 0)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("cannot open lock file: %s"),
				    strerror(errno));
	while (flock(sp->lock_fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK || waited >= wait_s)
			return bg_error_set(err, BG_EUNAVAIL, sp->root, 0, 0,
					    _("spool is locked by another "
					      "run"));
		nanosleep(&pause, NULL);
		waited += 0.05;
	}
	for (i = 0; i < 3; i++)
		sweep(sp->dir_fd[i]);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bg_spool_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

/* "<id>.json" with a valid id -> the id in buf; 0 or -1. */
static int id_of(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n <= 5 || strcmp(name + n - 5, ".json") || n - 5 >= len)
		return -1;
	memcpy(buf, name, n - 5);
	buf[n - 5] = '\0';
	if (n > 13 && !strcmp(name + n - 13, ".receipt.json"))
		return -1;
	return bg_regverify_id_ok(buf) ? 0 : -1;
}

static int push(char ***ids, size_t *n, size_t *cap, const char *id)
{
	char **p;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if (!(p = realloc(*ids, *cap * sizeof(*p))))
			return -1;
		*ids = p;
	}
	if (!((*ids)[*n] = strdup(id)))
		return -1;
	(*n)++;
	return 0;
}

static int list_dir(bg_spool *sp, int which, char ***out, size_t *n,
		    bg_error *err)
{
	int fd = dup(sp->dir_fd[which]);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char id[BG_REGVERIFY_FIELD];
	size_t cap = 0;
	int bad = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return bg_error_set(err, BG_EIO, sp->root, 0, 0, _("cannot "
				    "read %s: %s"), dir_name[which],
				    strerror(errno));
	}
	rewinddir(d);
	while (!bad && (e = readdir(d)))
		if (e->d_name[0] != '.' && !id_of(e->d_name, id, sizeof(id)))
			bad = push(out, n, &cap, id);
	closedir(d);
	if (bad) {
		bg_spool_ids_free(*out, *n);
		*out = NULL;
		*n = 0;
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

int bg_spool_list(bg_spool *sp, char ***out, size_t *n, bg_error *err)
{
	return list_dir(sp, OUTBOX, out, n, err);
}

int bg_spool_count(bg_spool *sp, size_t *outbox, size_t *sent,
		   size_t *rejected, bg_error *err)
{
	size_t *dst[3] = { outbox, sent, rejected };
	char **ids;
	int i, rc;

	for (i = 0; i < 3; i++) {
		if ((rc = list_dir(sp, i, &ids, dst[i], err)))
			return rc;
		bg_spool_ids_free(ids, *dst[i]);
	}
	return 0;
}

int bg_spool_read(bg_spool *sp, const char *id, size_t max, char **out,
		  size_t *len, bg_error *err)
{
	char name[BG_REGVERIFY_FIELD + 8];
	struct stat st;
	ssize_t got = 0, r;
	int fd;

	*out = NULL;
	snprintf(name, sizeof(name), "%s.json", id);
	fd = openat(sp->dir_fd[OUTBOX], name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    name, 0, 0, "%s", strerror(errno));
	if (fstat(fd, &st) || (size_t)st.st_size > max) {
		close(fd);
		return bg_error_set(err, BG_EDATA, name, 0, 0, _("certificate "
				    "file larger than %zu bytes"), max);
	}
	if (!(*out = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	while (got < st.st_size &&
	       (r = read(fd, *out + got, (size_t)(st.st_size - got))) > 0)
		got += r;
	close(fd);
	(*out)[got] = '\0';
	*len = (size_t)got;
	return 0;
}

/* Write data into dir/name through a temporary file and rename. */
static int write_note(int dfd, const char *name, const char *data,
		      size_t len)
{
	char tmp[BG_REGVERIFY_FIELD + 64];
	ssize_t w;
	size_t done = 0;
	int fd, bad = 0;

	snprintf(tmp, sizeof(tmp), ".tmp-%ld-%s", (long)getpid(), name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (!bad && done < len) {
		w = write(fd, data + done, len - done);
		bad = w <= 0;
		done += bad ? 0 : (size_t)w;
	}
	bad |= close(fd) != 0;
	if (bad || renameat(dfd, tmp, dfd, name)) {
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Note, then move outbox/<id>.json into directory which. */
static int settle(bg_spool *sp, int which, const char *id,
		  const char *suffix, const char *note, size_t len,
		  bg_error *err)
{
	char name[BG_REGVERIFY_FIELD + 16], nname[BG_REGVERIFY_FIELD + 24];

	snprintf(name, sizeof(name), "%s.json", id);
	snprintf(nname, sizeof(nname), "%s%s", id, suffix);
	if (write_note(sp->dir_fd[which], nname, note, len))
		return bg_error_set(err, BG_EIO, nname, 0, 0, _("cannot "
				    "write in %s: %s"), dir_name[which],
				    strerror(errno));
	if (renameat(sp->dir_fd[OUTBOX], name, sp->dir_fd[which], name))
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    name, 0, 0, _("cannot move to %s: %s"),
				    dir_name[which], strerror(errno));
	return 0;
}

int bg_spool_sync(bg_spool *sp, bg_error *err)
{
	if (syncfs(sp->dir_fd[OUTBOX]))
		return bg_error_set(err, BG_EIO, sp->root, 0, 0, _("cannot "
				    "flush the spool: %s"), strerror(errno));
	return 0;
}

int bg_spool_mark_sent(bg_spool *sp, const char *id, const char *receipt,
		       size_t len, bg_error *err)
{
	return settle(sp, SENT, id, ".receipt.json", receipt, len, err);
}

int bg_spool_mark_rejected(bg_spool *sp, const char *id, const char *reason,
			   bg_error *err)
{
	return settle(sp, REJECTED, id, ".reason.txt", reason, strlen(reason),
		      err);
}
