#ifndef MEMGATE_CZLIB_SHIM_H
#define MEMGATE_CZLIB_SHIM_H
#include <zlib.h>
#endif
