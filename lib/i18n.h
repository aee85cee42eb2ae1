/*
 * i18n.h - message translation for libbattgrade and the commands.
 *
 * Every user-facing message is wrapped in _() so that GNU gettext can
 * translate it (the first users work in Japanese).  Machine output
 * (--json, --csv) never goes through _() and stays locale independent.
 */
#ifndef BG_I18N_H
#define BG_I18N_H

#include "config.h"

#if ENABLE_NLS
#include <libintl.h>
#define _(s) dgettext(PACKAGE, s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#endif
