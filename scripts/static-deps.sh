#!/usr/bin/env bash
# Builds the static archives that Debian 12 does not ship, for the link-only
# `redisfit-static` target (docs/install.md):
#   fmt (libfmt-dev), cpp-httplib (libcpp-httplib-dev), liblzf (liblzf-dev) and
#   ISA-L (libisal-dev) have only shared libraries in bookworm; hiredis, libyaml,
#   OpenSSL, zlib, libstdc++ and glibc have their .a in the -dev packages.
# Each one is built from the Debian source package of the very version that is
# installed (`apt-get source pkg=version`, Debian's patches applied), so the
# static binary runs the same code as the dynamic one. Called by scripts/setup.sh:
# this is install time, like apt-get; the build itself downloads nothing.
#
# Output: $REDISFIT_STATIC_DEPS (default /usr/local/lib/redisfit-static) with
# lib*.a and a VERSIONS stamp; rerunning with the same versions does nothing.
set -euo pipefail

out=${REDISFIT_STATIC_DEPS:-/usr/local/lib/redisfit-static}
# source package  binary package whose installed version we match
sources=(fmtlib:libfmt-dev cpp-httplib:libcpp-httplib-dev liblzf:liblzf-dev libisal:libisal-dev)

want=""
for pair in "${sources[@]}"; do
  src=${pair%%:*} bin=${pair##*:}
  want+="$src=$(dpkg-query -W -f='${Version}' "$bin")"$'\n'
done
if [ -f "$out/VERSIONS" ] && [ "$(cat "$out/VERSIONS")" = "${want%$'\n'}" ]; then
  echo "static-deps: up to date in $out"
  exit 0
fi

work=$(mktemp -d /tmp/redisfit-static-deps.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A private apt state with deb-src entries made from this machine's own deb
# entries (same mirror and suites), so the system's apt configuration is untouched.
mkdir -p "$work/apt/lists/partial" "$work/apt/sources.list.d" "$work/src"
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && sed 's/^Types: deb$/Types: deb-src/' "$f" >"$work/apt/sources.list.d/$(basename "$f")"
done
if [ -f /etc/apt/sources.list ]; then
  sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"$work/apt/sources.list"
else
  : >"$work/apt/sources.list"
fi
apt_opts=(-q -o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/sources.list.d"
          -o "Dir::State::Lists=$work/apt/lists" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update >/dev/null

cd "$work/src"
for line in $want; do
  src=${line%%=*}
  # liblzf's Debian part only turns the upstream sources into a shared library
  # (and the mirror here may lack its debian.tar); the upstream tarball is all
  # the static archive needs. The others get Debian's patches (cpp-httplib's
  # CVE-2023-26130 fix among them).
  if [ "$src" = liblzf ]; then
    apt-get "${apt_opts[@]}" source --tar-only "$line" >/dev/null
    tar xzf liblzf_*.orig.tar.gz
  else
    apt-get "${apt_opts[@]}" source "$line" >/dev/null 2>&1
  fi
done

mkdir -p "$work/out"
cflags=(-O2 -fPIC -g0)
# fmt: the library's two compiled sources, as its own CMake build compiles them.
(cd fmtlib-*/ && g++ -std=c++20 "${cflags[@]}" -Iinclude -c src/format.cc src/os.cc && ar rcs "$work/out/libfmt.a" format.o os.o)
# cpp-httplib: the implementation half of the header, split the way Debian's
# build splits it; defines as the objects that include /usr/include/httplib.h
# are compiled (OpenSSL), plus poll() instead of select() as Debian's build uses.
(cd cpp-httplib-*/ && python3 ./split.py -o split >/dev/null &&
  g++ -std=c++20 "${cflags[@]}" -DCPPHTTPLIB_OPENSSL_SUPPORT -DCPPHTTPLIB_USE_POLL -Isplit -c split/httplib.cc &&
  ar rcs "$work/out/libcpp-httplib.a" httplib.o)
# liblzf: the compressor and decompressor.
(cd liblzf-*/ && gcc "${cflags[@]}" -c lzf_c.c lzf_d.c && ar rcs "$work/out/liblzf.a" lzf_c.o lzf_d.o)
# ISA-L: only the crc unit (redisfit uses crc64_jones_refl), with its assembly (nasm).
(cd libisal-*/ && { make -s -f Makefile.unx -j"$(nproc)" units=crc lib >make.log 2>&1 || { cat make.log; exit 1; }; } && cp bin/isa-l.a "$work/out/libisal.a")

mkdir -p "$out"
cp "$work/out"/*.a "$out/"
printf '%s' "$want" >"$out/VERSIONS"
echo "static-deps: built $(cd "$out" && ls ./*.a | tr '\n' ' ')in $out"
