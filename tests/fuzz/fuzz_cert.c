/*
 * fuzz_cert.c - the certificate reader and verifier: any bytes give a
 * verdict with a reason, never a crash; nothing but the seed's own
 * valid files verifies (the key is fixed, so a mutation that still
 * verified would be a forgery).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/cert.h"
#include "battgrade/jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8037 appendix A public key: the seeds are signed with its
 * private half (a published test key, never used for real). */
static const char pub[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bg_jwk_set keys;
	static int ready;
	bg_cert_info info;
	bg_error err;
	int rc;

	if (!ready) {
		bg_init();
		bg_jwk_set_init(&keys);
		if (bg_jwk_set_add_json(&keys, pub, strlen(pub), NULL, &err) < 0)
			abort();
		ready = 1;
	}
	rc = bg_cert_verify((const char *)data, size, &keys, &info, &err);
	if ((rc == 0) != (info.reason == BG_CERT_VALID))
		abort();
	if (rc < 0 && err.msg[0] == '\0')
		abort();
	return 0;
}
