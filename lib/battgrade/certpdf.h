/*
 * certpdf.h - the printable certificate: one A4 page per module.
 *
 * What a technician sticks on the module and a buyer scans: the grade
 * in large type, the key figures, and a QR code holding the
 * certificate id and, when a registry URL is known, the address of its
 * registry record.  Drawn with cairo's PDF surface; the QR code comes
 * from libqrencode.
 */
#ifndef BG_CERTPDF_H
#define BG_CERTPDF_H

#include "battgrade/error.h"

struct cJSON;

/*
 * The text the QR code holds: "<registry>/v1/certificates/<id>" when
 * the body names a registry, else "<id>".  Heap string owned by the
 * caller, or NULL on no memory.
 */
char *bg_certpdf_qr_text(const char *id, const struct cJSON *body);

/*
 * Render the certificate body (as built by bg_cert_body_from_grade,
 * with its id) to a one-page PDF at path.  Written to a temporary file
 * and renamed, so readers never see half a page; the PDF is derived
 * from the signed certificate, so an existing one is replaced.
 * Returns 0, BG_ECANTCREAT, BG_EIO or BG_ENOMEM.
 */
int bg_certpdf_write(const char *path, const char *id,
		     const struct cJSON *body, bg_error *err);

#endif
