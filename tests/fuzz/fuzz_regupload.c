/*
 * fuzz_regupload.c - what the registry does with an uploaded body:
 * any bytes must be accepted or refused (400/422) without crashing,
 * hanging or reading out of bounds, before anything reaches SQLite.
 * The key set is fixed, so a valid signature is out of reach and every
 * input exercises the refusal paths of bg_regverify_upload and, past
 * the JSON parser, bg_cert_verify.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/error.h"
#include "battgrade/regverify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keys[] = "{\"keys\":[{\"crv\":\"Ed25519\",\"kid\":"
	"\"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\",\"kty\":\"OKP\","
	"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bg_upload_info u;
	bg_error err;
	char *copy;

	bg_init();
	/* Bodies arrive without a terminating NUL: copy exactly size bytes
	 * so ASan catches any read past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	bg_regverify_upload(copy, size, keys, &u, &err);
	bg_regverify_id_ok(u.id);
	free(copy);
	return 0;
}
