/*
 * spool.h - the durable outbox that certificates wait in until a
 * registry has them.
 *
 * A spool is a directory with outbox/, sent/ and rejected/.  "battgrade
 * certify" writes <id>.json into outbox/; publishing moves each file to
 * sent/ (beside <id>.receipt.json, the registry's answer) or to
 * rejected/ (beside <id>.reason.txt).  Every step is a write to a
 * temporary file followed by rename(2) within one file system, so a
 * crash at any instant leaves each certificate in exactly one of the
 * three directories.  The note is written before the certificate moves:
 * a crash in between leaves the certificate in outbox/, and the next
 * run sends it again, which the registry answers as "identical".
 */
#ifndef BG_SPOOL_H
#define BG_SPOOL_H

#include <stddef.h>

#include "battgrade/error.h"

typedef struct bg_spool bg_spool;

/*
 * Open the spool at root, creating root and its three directories
 * (mode 0700) when absent.  *out is owned by the caller
 * (bg_spool_free).  BG_ECANTCREAT when they cannot be created.
 */
int bg_spool_open(bg_spool **out, const char *root, bg_error *err);

/* Release the lock (if held) and free; NULL is a no-op. */
void bg_spool_free(bg_spool *sp);

/*
 * Take the spool's exclusive lock (flock on root/.lock), waiting at
 * most wait_s seconds, so overlapping runs from cron never send the same
 * file twice at once.  BG_EUNAVAIL when another run holds it.  Also
 * removes temporary files a killed run left behind.
 */
int bg_spool_lock(bg_spool *sp, double wait_s, bg_error *err);

/*
 * The certificate ids waiting in outbox/ (files "<id>.json"), sorted,
 * as a heap array of heap strings owned by the caller
 * (bg_spool_ids_free).  Files whose names are not certificate ids are
 * skipped.
 */
int bg_spool_list(bg_spool *sp, char ***out, size_t *n, bg_error *err);
void bg_spool_ids_free(char **ids, size_t n);

/*
 * Read outbox/<id>.json (at most max bytes, else BG_EDATA) into a
 * NUL-terminated heap buffer owned by the caller.  BG_ENOENT when it is
 * gone (another run sent it).
 */
int bg_spool_read(bg_spool *sp, const char *id, size_t max, char **out,
		  size_t *len, bg_error *err);

/* Record the receipt (len bytes) and move the certificate to sent/. */
int bg_spool_mark_sent(bg_spool *sp, const char *id, const char *receipt,
		       size_t len, bg_error *err);

/* Record why it was refused and move the certificate to rejected/. */
int bg_spool_mark_rejected(bg_spool *sp, const char *id, const char *reason,
			   bg_error *err);

/* Flush the spool's file system to disk (syncfs), so that the moves
 * made so far survive a power cut; BG_EIO when it fails. */
int bg_spool_sync(bg_spool *sp, bg_error *err);

/* Counts of certificates in outbox/, sent/ and rejected/. */
int bg_spool_count(bg_spool *sp, size_t *outbox, size_t *sent,
		   size_t *rejected, bg_error *err);

#endif
