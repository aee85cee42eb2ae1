/*
 * registrydb.c - the registry's SQLite store.
 *
 * WAL mode lets readers (GET pages) run while an upload commits, and
 * synchronous=FULL makes a 201 mean "on disk": a kill -9 of the server
 * or a power cut after the answer loses nothing.  Certificates are
 * keyed by their id, which the certificate format derives from the
 * SHA-256 of the canonical body, so the primary key is what makes an
 * upload idempotent: a second identical upload finds the row and is
 * told "identical", a different document with the same id is refused.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "battgrade/registrydb.h"
#include "i18n.h"

enum {
	ST_ISSUER_INSERT,
	ST_ISSUER_ID,
	ST_KEY_INSERT,
	ST_BY_TOKEN,
	ST_KEYS,
	ST_CERT_INSERT,
	ST_CERT_DIGEST,
	ST_CERT_GET,
	ST_CERT_LIST,
	ST_CERT_COUNT,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_N
};

static const char *const sql_text[ST_N] = {
	[ST_ISSUER_INSERT] = "INSERT INTO issuers(name, token_hash, created_at)"
			     " VALUES (?1, ?2, ?3)",
	[ST_ISSUER_ID] = "SELECT id FROM issuers WHERE name = ?1",
	[ST_KEY_INSERT] = "INSERT INTO issuer_keys(issuer, kid, jwk)"
			  " VALUES (?1, ?2, ?3)",
	[ST_BY_TOKEN] = "SELECT name FROM issuers WHERE token_hash = ?1",
	[ST_KEYS] = "SELECT k.jwk FROM issuer_keys k JOIN issuers i"
		    " ON k.issuer = i.id WHERE i.name = ?1 ORDER BY k.kid",
	[ST_CERT_INSERT] = "INSERT INTO certificates(id, module_id, pack_id,"
			   " grade, issuer, issued_at, received_at, digest,"
			   " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_CERT_DIGEST] = "SELECT digest, received_at FROM certificates"
			   " WHERE id = ?1",
	[ST_CERT_GET] = "SELECT id, module_id, pack_id, grade, issuer,"
			" issued_at, received_at, digest, body"
			" FROM certificates WHERE id = ?1",
	[ST_CERT_LIST] = "SELECT id, module_id, pack_id, grade, issuer,"
			 " issued_at, received_at, digest FROM certificates"
			 " WHERE module_id = ?1"
			 " ORDER BY issued_at DESC, id LIMIT ?2",
	[ST_CERT_COUNT] = "SELECT count(*) FROM certificates",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
};

static const char schema_sql[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"CREATE TABLE IF NOT EXISTS issuers("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" token_hash BLOB NOT NULL UNIQUE,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS issuer_keys("
	" issuer INTEGER NOT NULL REFERENCES issuers(id),"
	" kid TEXT NOT NULL,"
	" jwk TEXT NOT NULL,"
	" PRIMARY KEY(issuer, kid));"
	"CREATE TABLE IF NOT EXISTS certificates("
	" id TEXT PRIMARY KEY,"
	" module_id TEXT NOT NULL,"
	" pack_id TEXT NOT NULL,"
	" grade TEXT NOT NULL,"
	" issuer TEXT NOT NULL,"
	" issued_at TEXT NOT NULL,"
	" received_at TEXT NOT NULL,"
	" digest TEXT NOT NULL,"
	" body BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS certificates_module"
	" ON certificates(module_id, issued_at);";

struct bg_regdb {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
};

static int db_fail(bg_regdb *db, bg_error *err, const char *what)
{
	return bg_error_set(err, BG_EIO, NULL, 0, 0, _("registry database: "
			    "%s: %s"), what, db && db->db ?
			    sqlite3_errmsg(db->db) : "no connection");
}

/* ISO 8601 UTC timestamp with millisecond precision. */
static void utc_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%.20s.%03dZ", base,
		 (int)(ts.tv_nsec / 1000000L % 1000));
}

int bg_regdb_open(bg_regdb **out, const char *path, bg_error *err)
{
	bg_regdb *db = calloc(1, sizeof(*db));
	int i, rc;

	*out = NULL;
	if (!db)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	rc = sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db->db, 10000);
	if (sqlite3_exec(db->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(db->db, sql_text[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &db->st[i],
				       NULL) != SQLITE_OK)
			goto fail;
	*out = db;
	return 0;
fail:
	rc = bg_error_set(err, BG_EIO, path, 0, 0, _("cannot open registry "
			  "database: %s"), sqlite3_errmsg(db->db));
	bg_regdb_close(db);
	return rc;
}

void bg_regdb_close(bg_regdb *db)
{
	int i;

	if (!db)
		return;
	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->db);
	free(db);
}

/* Step a statement that returns no row, then reset it. */
static int step_done(bg_regdb *db, int which)
{
	int rc = sqlite3_step(db->st[which]);

	sqlite3_reset(db->st[which]);
	sqlite3_clear_bindings(db->st[which]);
	return rc == SQLITE_DONE ? 0 : rc;
}

static void token_hash(const char *token, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)token,
			   strlen(token), NULL, 0);
}

static void token_new(char *token)
{
	unsigned char raw[24];

	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "bgr_", 4);
	sodium_bin2hex(token + 4, 2 * sizeof(raw) + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

static int issuer_id(bg_regdb *db, const char *name, sqlite3_int64 *id)
{
	sqlite3_stmt *s = db->st[ST_ISSUER_ID];
	int rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int insert_issuer(bg_regdb *db, const char *name, char *token)
{
	sqlite3_stmt *s = db->st[ST_ISSUER_INSERT];
	unsigned char h[32];
	char now[40];

	token_new(token);
	token_hash(token, h);
	utc_now(now, sizeof(now));
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_TRANSIENT);
	return step_done(db, ST_ISSUER_INSERT);
}

static int issuer_add_tx(bg_regdb *db, const char *name, const char *kid,
			 const char *jwk, int add_key, char *token,
			 bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_KEY_INSERT];
	sqlite3_int64 id = 0;
	int have = issuer_id(db, name, &id), rc;

	if (have < 0)
		return db_fail(db, err, "issuer lookup");
	if (have == 0 && !add_key)
		return bg_error_set(err, BG_EEXIST, NULL, 0, 0, _("issuer "
				    "'%s' already exists"), name);
	if (have == 1 && add_key)
		return bg_error_set(err, BG_ENOENT, NULL, 0, 0, _("no issuer "
				    "'%s'"), name);
	if (have == 1) {
		if (insert_issuer(db, name, token))
			return db_fail(db, err, "insert issuer");
		if (issuer_id(db, name, &id))
			return db_fail(db, err, "issuer lookup");
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, jwk, -1, SQLITE_STATIC);
	rc = step_done(db, ST_KEY_INSERT);
	if (rc == SQLITE_CONSTRAINT)
		return bg_error_set(err, BG_EEXIST, NULL, 0, 0, _("issuer '%s' "
				    "already has key '%s'"), name, kid);
	return rc ? db_fail(db, err, "insert key") : 0;
}

int bg_regdb_issuer_add(bg_regdb *db, const char *name, const char *kid,
			const char *jwk_json, int add_key, char *token,
			bg_error *err)
{
	int rc;

	token[0] = '\0';
	if (step_done(db, ST_BEGIN))
		return db_fail(db, err, "begin");
	rc = issuer_add_tx(db, name, kid, jwk_json, add_key, token, err);
	if (rc == 0 && step_done(db, ST_COMMIT) == 0)
		return 0;
	if (rc == 0)
		rc = db_fail(db, err, "commit");
	step_done(db, ST_ROLLBACK);
	sodium_memzero(token, BG_REGDB_TOKEN_LEN + 1);
	return rc;
}

int bg_regdb_issuer_by_token(bg_regdb *db, const char *token, char *name,
			     size_t len, bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_BY_TOKEN];
	unsigned char h[32];
	int rc;

	token_hash(token, h);
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(name, len, "%s", sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return bg_error_set(err, BG_EAUTH, NULL, 0, 0,
				    _("unknown token"));
	return db_fail(db, err, "token lookup");
}

/* Append s to the growing string *buf (length *n); 0 or -1. */
static int append(char **buf, size_t *n, const char *s)
{
	size_t m = strlen(s);
	char *p = realloc(*buf, *n + m + 1);

	if (!p)
		return -1;
	memcpy(p + *n, s, m + 1);
	*buf = p;
	*n += m;
	return 0;
}

int bg_regdb_issuer_keys(bg_regdb *db, const char *name, char **out,
			 bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_KEYS];
	char *buf = NULL;
	size_t n = 0;
	int count = 0, bad = append(&buf, &n, "{\"keys\":[");

	*out = NULL;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	while (!bad && sqlite3_step(s) == SQLITE_ROW) {
		if (count++)
			bad |= append(&buf, &n, ",");
		bad |= append(&buf, &n, (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	bad |= append(&buf, &n, "]}");
	if (bad) {
		free(buf);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	if (count == 0) {
		free(buf);
		return bg_error_set(err, BG_ENOENT, NULL, 0, 0, _("no issuer "
				    "'%s'"), name);
	}
	*out = buf;
	return 0;
}

static int bind_cert(sqlite3_stmt *s, const bg_regdb_cert *c,
		     const char *now)
{
	int rc = 0;

	rc |= sqlite3_bind_text(s, 1, c->id, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 2, c->module_id, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 3, c->pack_id ? c->pack_id : "", -1,
				SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 4, c->grade, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 5, c->issuer, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 6, c->issued_at, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(s, 8, c->digest, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_blob(s, 9, c->body, (int)c->body_len,
				SQLITE_STATIC);
	return rc;
}

/* 1 when id is stored with the same digest, 2 when with another, 0 when
 * absent, -1 on error. */
static int compare_existing(bg_regdb *db, const bg_regdb_cert *c)
{
	sqlite3_stmt *s = db->st[ST_CERT_DIGEST];
	int rc, same = 0;

	sqlite3_bind_text(s, 1, c->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		same = !strcmp((const char *)sqlite3_column_text(s, 0),
			       c->digest);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return same ? 1 : 2;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int put_tx(bg_regdb *db, const bg_regdb_cert *c, int *outcome,
		  bg_error *err)
{
	char now[40];
	int have = compare_existing(db, c);

	if (have < 0)
		return db_fail(db, err, "certificate lookup");
	if (have) {
		*outcome = have == 1 ? BG_REGDB_IDENTICAL : BG_REGDB_CONFLICT;
		return 0;
	}
	utc_now(now, sizeof(now));
	if (bind_cert(db->st[ST_CERT_INSERT], c, now) ||
	    step_done(db, ST_CERT_INSERT))
		return db_fail(db, err, "insert certificate");
	*outcome = BG_REGDB_CREATED;
	return 0;
}

int bg_regdb_cert_put_many(bg_regdb *db, const bg_regdb_cert *const *c,
			   int *outcome, size_t n, bg_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		outcome[i] = BG_REGDB_CONFLICT;
	if (step_done(db, ST_BEGIN))
		return db_fail(db, err, "begin");
	for (i = 0; i < n && !rc; i++)
		rc = put_tx(db, c[i], &outcome[i], err);
	if (rc == 0 && step_done(db, ST_COMMIT) == 0)
		return 0;
	if (rc == 0)
		rc = db_fail(db, err, "commit");
	step_done(db, ST_ROLLBACK);
	return rc;
}

int bg_regdb_cert_put(bg_regdb *db, const bg_regdb_cert *c, int *outcome,
		      bg_error *err)
{
	return bg_regdb_cert_put_many(db, &c, outcome, 1, err);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return strdup(t ? (const char *)t : "");
}

static int load_row(sqlite3_stmt *s, bg_regdb_cert *c, int with_body)
{
	char **f[] = { &c->id, &c->module_id, &c->pack_id, &c->grade,
		       &c->issuer, &c->issued_at, &c->received_at,
		       &c->digest };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!(*f[i] = col_dup(s, (int)i)))
			return -1;
	if (!with_body)
		return 0;
	c->body_len = (size_t)sqlite3_column_bytes(s, 8);
	c->body = malloc(c->body_len + 1);
	if (!c->body)
		return -1;
	memcpy(c->body, sqlite3_column_blob(s, 8), c->body_len);
	c->body[c->body_len] = '\0';
	return 0;
}

int bg_regdb_cert_get(bg_regdb *db, const char *id, bg_regdb_cert *out,
		      bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_CERT_GET];
	int rc, bad = 0;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		bad = load_row(s, out, 1);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE)
		return bg_error_set(err, BG_ENOENT, NULL, 0, 0, _("no "
				    "certificate '%s'"), id);
	if (rc != SQLITE_ROW)
		return db_fail(db, err, "certificate lookup");
	if (bad) {
		bg_regdb_cert_release(out);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	return 0;
}

void bg_regdb_cert_release(bg_regdb_cert *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->module_id);
	free(c->pack_id);
	free(c->grade);
	free(c->issuer);
	free(c->issued_at);
	free(c->received_at);
	free(c->digest);
	free(c->body);
	memset(c, 0, sizeof(*c));
}

int bg_regdb_cert_list_module(bg_regdb *db, const char *module_id,
			      unsigned limit, bg_regdb_cert_fn fn, void *ctx,
			      bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_CERT_LIST];
	bg_regdb_cert c;
	int rc = SQLITE_DONE, stop = 0, bad = 0;

	sqlite3_bind_text(s, 1, module_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	while (!stop && !bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		bad = load_row(s, &c, 0);
		if (!bad)
			stop = fn(ctx, &c);
		bg_regdb_cert_release(&c);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (bad)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	if (!stop && rc != SQLITE_DONE)
		return db_fail(db, err, "certificate list");
	return 0;
}

int bg_regdb_cert_count(bg_regdb *db, int64_t *out, bg_error *err)
{
	sqlite3_stmt *s = db->st[ST_CERT_COUNT];
	int rc = sqlite3_step(s);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : db_fail(db, err, "count");
}
