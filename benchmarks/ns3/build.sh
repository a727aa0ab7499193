#!/bin/sh
# Builds bench_forwarding_ns3 against Debian's libns3-dev (ns-3 3.37) into a directory:
#
#   benchmarks/ns3/build.sh [OUTPUT_DIR]        (default build-ns3 in the repository)
#
# Release flags (-O3 -DNDEBUG). -DNS3_LOG_ENABLE because Debian's ns-3 is built with logging compiled in
# and some classes (UdpClient) change layout with it. The libraries are listed by hand: Debian's ns3-*.pc
# files are broken (their Cflags contain "-I/usr;"). CXX and CXXFLAGS_EXTRA may be set in the environment.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build-ns3}
cxx=${CXX:-g++}
libdir=/usr/lib/x86_64-linux-gnu
libs="core network csma bridge internet applications traffic-control"

if [ ! -f /usr/include/ns3/csma-module.h ] || [ ! -e "$libdir/libns3-core.so" ]; then
  echo "build.sh: ns-3 development files not found (/usr/include/ns3, $libdir/libns3-*.so);" >&2
  echo "          install them with: apt-get install -y libns3-dev" >&2
  exit 3
fi
link=""
for lib in $libs; do
  if [ ! -e "$libdir/libns3-$lib.so" ]; then
    echo "build.sh: $libdir/libns3-$lib.so is missing (is libns3-dev complete?)" >&2
    exit 3
  fi
  link="$link -lns3-$lib"
done

mkdir -p "$out"
# shellcheck disable=SC2086  # $link and $CXXFLAGS_EXTRA are word lists
"$cxx" -std=c++17 -O3 -DNDEBUG -DNS3_LOG_ENABLE -Wall -Wextra -Wno-unused-parameter ${CXXFLAGS_EXTRA:-} \
  -I/usr/include -o "$out/bench_forwarding_ns3" "$here/bench_forwarding_ns3.cc" -L"$libdir" $link
echo "$out/bench_forwarding_ns3"
