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
#include "battgrade/plot.h"

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

/*
 * The page's two figures as plots (lib/battgrade/plot.h), for other
 * renderers such as the registry's HTML page (bg_plot_write to .svg):
 * the capacity-fade fit from degradationModel.fade (curve and its 80 %
 * residual band when the model depends on the axis alone, the present
 * point, the end-of-life line and the P10/P50 crossings), and the
 * Nyquist curve of the fitted circuit in impedance.fit from 1 kHz to
 * 10 mHz.  *out is owned by the caller (bg_plot_free).  BG_EDATA with
 * the reason in err when the certificate holds no usable fit.
 */
int bg_certpdf_fade_plot(bg_plot **out, const struct cJSON *body,
			 bg_error *err);
int bg_certpdf_nyquist_plot(bg_plot **out, const struct cJSON *body,
			    bg_error *err);

#endif
