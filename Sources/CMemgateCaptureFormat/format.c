/* SwiftPM builds a C target only when it has a source file; the format itself is header-only.
 * Including it here also checks its _Static_asserts in the Swift build. */
#include "memgate_capture_format.h"
