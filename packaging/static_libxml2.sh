#!/usr/bin/env bash
# Makes SwiftPM link libxml2 and zlib statically into the wheel's memgate: writes
# DIR/pkgconfig/libxml-2.0.pc and zlib.pc (put first on PKG_CONFIG_PATH) whose Libs name DIR only,
# and DIR/libxml2.so and DIR/libz.so, linker scripts that pull in the Debian -dev packages' static
# archives (libxml2, liblzma, zlib). No -L of the system's library directory may reach the link,
# or its shared libxml2 and zlib would win.
#
# Debian's libxml2 calls ICU (only to convert encodings it does not convert itself). Instead of
# system ICU and its 30 MB of data, its few converter calls (ucnv_open_72, …) are bound to the
# same stable ICU C functions in Foundation's own ICU, which the static Swift build links anyway
# (swift_ucnv_open, …). A libxml2 calling ICU functions Foundation's ICU lacks fails the link.
#
# Usage: static_libxml2.sh DIR LIBDIR [BINARY]  — BINARY is removed when the script changed, so
# SwiftPM links it again (it does not track linker scripts).
set -euo pipefail
dir=$1 libdir=$2 binary=${3:-}
declare -A packages=([libxml2.a]=libxml2-dev [liblzma.a]=liblzma-dev [libz.a]=zlib1g-dev)
archives=""
for archive in libxml2.a liblzma.a libz.a; do
    [ -f "$libdir/$archive" ] || { echo "make wheel: $libdir/$archive missing; install the Debian package ${packages[$archive]}" >&2; exit 1; }
    archives="$archives $libdir/$archive"
done
mkdir -p "$dir/pkgconfig"
script=$(
    echo "GROUP ($archives -lm )"
    nm "$libdir/libxml2.a" 2>/dev/null | awk '$1 == "U" && $2 ~ /^(ucnv|UCNV)_[A-Za-z_]+_[0-9]+$/ { print $2 }' | sort -u |
        sed -E 's/^(.*)_([0-9]+)$/\1_\2 = swift_\1;/'
)
if [ "$(cat "$dir/libxml2.so" 2>/dev/null)" != "$script" ]; then
    printf '%s\n' "$script" > "$dir/libxml2.so"
    [ -z "$binary" ] || rm -f "$binary"
fi
printf 'Name: libXML\nVersion: static\nDescription: libxml2 linked in, for the wheel\nCflags: -I/usr/include/libxml2\nLibs: -L%s -lxml2\n' \
    "$dir" > "$dir/pkgconfig/libxml-2.0.pc"
printf 'INPUT ( %s/libz.a )\n' "$libdir" > "$dir/libz.so"
printf 'Name: zlib\nVersion: static\nDescription: zlib linked in, for the wheel\nCflags:\nLibs: -L%s -lz\n' \
    "$dir" > "$dir/pkgconfig/zlib.pc"
