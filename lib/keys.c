/*
 * keys.c - creating, storing and loading the issuer's signing key, and
 * writing files that must never replace different content.
 *
 * Files are written to a temporary name in the target directory,
 * flushed, then hard-linked to their final name: link(2) fails when the
 * name exists, so a concurrent writer can never be overwritten, and a
 * crash leaves either nothing or the complete file (git lockfile.c
 * writes and renames the same way; link adds "no clobber").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "battgrade/jcs.h"
#include "battgrade/keys.h"
#include "battgrade/models.h"
#include "i18n.h"

#define MAX_KEY_BYTES 4096

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when path holds exactly data, 0 when it differs, <0 on error. */
static int same_content(const char *path, const void *data, size_t len,
			bg_error *err)
{
	char *old;
	size_t oldlen;
	int rc;

	rc = bg_read_file(&old, &oldlen, path, len + 1, err);
	if (rc == BG_EDATA)     /* larger than ours: different */
		return 0;
	if (rc < 0)
		return rc;
	rc = oldlen == len && memcmp(old, data, len) == 0;
	free(old);
	return rc;
}

static int temp_for(char *tmp, size_t n, const char *path, bg_error *err)
{
	if (snprintf(tmp, n, "%s.tmpXXXXXX", path) >= (int)n)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("path too long"));
	return 0;
}

static int link_new(const char *tmp, const char *path, const void *data,
		    size_t len, bg_error *err)
{
	int rc;

	if (link(tmp, path) == 0)
		return 0;
	if (errno != EEXIST)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0, "%s",
				    strerror(errno));
	rc = same_content(path, data, len, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bg_error_set(err, BG_EEXIST, path, 0, 0,
				    _("a different file exists: not replacing it"));
	return 1;
}

int bg_file_write_new(const char *path, const void *data, size_t len,
		      unsigned mode, bg_error *err)
{
	char tmp[4096];
	int fd, rc;

	rc = temp_for(tmp, sizeof(tmp), path, err);
	if (rc < 0)
		return rc;
	fd = mkstemp(tmp);  /* mode 0600 */
	if (fd < 0)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0, "%s",
				    strerror(errno));
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		rc = bg_error_set(err, BG_EIO, path, 0, 0, "%s",
				  strerror(errno));
		close(fd);
		unlink(tmp);
		return rc;
	}
	if (close(fd) < 0) {
		rc = bg_error_set(err, BG_EIO, path, 0, 0, "%s",
				  strerror(errno));
		unlink(tmp);
		return rc;
	}
	rc = link_new(tmp, path, data, len, err);
	unlink(tmp);
	return rc;
}

static int private_jwk(char *buf, size_t n, const bg_signing_key *key)
{
	char d[64], x[64];

	sodium_bin2base64(d, sizeof(d), key->sk, 32,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(x, sizeof(x), key->pub.pk, 32,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return snprintf(buf, n,
			"{\"crv\":\"Ed25519\",\"d\":\"%s\",\"kid\":\"%s\","
			"\"kty\":\"OKP\",\"x\":\"%s\"}\n", d, key->pub.kid, x);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int bg_key_generate(bg_jwk *out, const char *dir, bg_error *err)
{
	char kpath[4096], ppath[4096], text[512], *pub = NULL;
	bg_signing_key key;
	int n, rc;

	if (snprintf(kpath, sizeof(kpath), "%s/%s", dir, BG_KEY_FILE) >=
	    (int)sizeof(kpath) ||
	    snprintf(ppath, sizeof(ppath), "%s/%s", dir, BG_PUBKEY_FILE) >=
	    (int)sizeof(ppath))
		return bg_error_set(err, BG_ECANTCREAT, dir, 0, 0,
				    _("path too long"));
	if (exists(kpath) || exists(ppath))
		return bg_error_set(err, BG_EEXIST,
				    exists(kpath) ? kpath : ppath, 0, 0,
				    _("a key already exists here: not replacing it"));
	crypto_sign_keypair(key.pub.pk, key.sk);
	bg_jwk_thumbprint(key.pub.kid, key.pub.pk);
	n = private_jwk(text, sizeof(text), &key);
	rc = bg_file_write_new(kpath, text, (size_t)n, 0600, err);
	sodium_memzero(text, sizeof(text));
	if (rc == 0)
		rc = bg_jwk_to_json(&pub, &key.pub, err);
	if (rc == 0) {
		size_t len = strlen(pub);

		pub[len] = '\n';  /* room: bg_jwk_to_json over-allocates */
		rc = bg_file_write_new(ppath, pub, len + 1, 0644, err);
	}
	free(pub);
	if (rc != 0) {
		if (rc < 0 && !exists(ppath))
			unlink(kpath);
		bg_key_wipe(&key);
		return rc < 0 ? rc : bg_error_set(err, BG_EEXIST, ppath, 0, 0,
						  _("a key already exists here: not replacing it"));
	}
	if (out)
		*out = key.pub;
	bg_key_wipe(&key);
	return 0;
}

static int read_private(char **text, size_t *len, const char *path,
			bg_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    path, 0, 0, "%s", strerror(errno));
	if (st.st_mode & 077)
		return bg_error_set(err, BG_EPERM, path, 0, 0,
				    _("key file is accessible by group or others (mode %03o): run chmod 600"),
				    (unsigned)(st.st_mode & 0777));
	return bg_read_file(text, len, path, MAX_KEY_BYTES, err);
}

static int decode_private(bg_signing_key *out, const bg_json *v,
			  const char *path, bg_error *err)
{
	unsigned char seed[32], pk[32];
	const char *d, *x;
	size_t dl, xl;

	d = bg_json_string(bg_json_member(v, "d"), &dl);
	x = bg_json_string(bg_json_member(v, "x"), &xl);
	if (!d || !x || bg_b64url_decode(seed, sizeof(seed), d, dl) != 32 ||
	    bg_b64url_decode(pk, sizeof(pk), x, xl) != 32)
		return bg_error_set(err, BG_EDATA, path, 0, 0,
				    _("not an Ed25519 private JWK (need 'd' and 'x')"));
	crypto_sign_seed_keypair(out->pub.pk, out->sk, seed);
	sodium_memzero(seed, sizeof(seed));
	if (sodium_memcmp(pk, out->pub.pk, 32) != 0)
		return bg_error_set(err, BG_EDATA, path, 0, 0,
				    _("key file's 'x' does not match its 'd'"));
	bg_jwk_thumbprint(out->pub.kid, out->pub.pk);
	return 0;
}

static int is_str(const bg_json *v, const char *name, const char *want)
{
	const char *s = bg_json_string(bg_json_member(v, name), NULL);

	return s && strcmp(s, want) == 0;
}

int bg_key_load(bg_signing_key *out, const char *path, bg_error *err)
{
	char *text;
	size_t len;
	bg_json *v;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_private(&text, &len, path, err);
	if (rc < 0)
		return rc;
	rc = bg_json_parse(&v, text, len, path, err);
	sodium_memzero(text, len);
	free(text);
	if (rc < 0)
		return rc;
	if (!is_str(v, "kty", "OKP") || !is_str(v, "crv", "Ed25519"))
		rc = bg_error_set(err, BG_EDATA, path, 0, 0,
				  _("not an Ed25519 key (need kty OKP, crv Ed25519)"));
	else
		rc = decode_private(out, v, path, err);
	bg_json_free(v);
	if (rc < 0)
		bg_key_wipe(out);
	return rc;
}

void bg_key_wipe(bg_signing_key *key)
{
	sodium_memzero(key, sizeof(*key));
}
