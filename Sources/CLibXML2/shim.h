#ifndef MEMGATE_CLIBXML2_SHIM_H
#define MEMGATE_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its encoding.h would pull the system ICU headers,
 * whose enums clash with Foundation's bundled _FoundationICU. Nothing here uses the
 * ICU-only fields, so keep ICU out. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#endif
