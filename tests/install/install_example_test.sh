#!/usr/bin/env bash
# Installs this build the way a user would, builds examples/worker_pool
# against the installed package only, records it and checks the report.
#
# usage: install_example_test.sh CMAKE BUILD_DIR SOURCE_DIR VERSION prefix|deb
#   prefix   cmake --install BUILD_DIR --prefix TMP
#   deb      cpack's two Debian packages, unpacked into TMP (their metadata
#            and contents checked first)
set -euo pipefail
cmake=$1
build=$2
source=$3
version=$4
how=$5

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

case "$how" in
  prefix)
    prefix="$work/prefix"
    "$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" \
      || { cat "$work/install.log"; fail "cmake --install"; }
    ;;
  deb)
    command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg-deb"; exit 77; }
    cpack=$(dirname "$cmake")/cpack
    (cd "$work" && "$cpack" --config "$build/CPackConfig.cmake" -B "$work/debs" \
      >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
    runtime_deb="$work/debs/overseer_${version}_amd64.deb"
    dev_deb="$work/debs/overseer-dev_${version}_amd64.deb"
    [[ -f "$runtime_deb" && -f "$dev_deb" ]] || { ls -l "$work/debs"; fail "the .deb files"; }
    dpkg-deb --field "$runtime_deb" Package Version Depends
    dpkg-deb --field "$dev_deb" Package Depends
    # The programs' shared libraries (Qt, Abseil, protobuf, zstd) come from
    # Debian's packages: dpkg-shlibdeps found them.
    runtime_depends=$(dpkg-deb --field "$runtime_deb" Depends)
    dev_depends=$(dpkg-deb --field "$dev_deb" Depends)
    [[ "$runtime_depends" == *libqt6widgets6* && "$runtime_depends" == *libzstd1* ]] \
      || fail "runtime Depends: $runtime_depends"
    [[ "$dev_depends" == *libabsl-dev* && "$dev_depends" == *libprotobuf-dev* ]] \
      || fail "dev Depends: $dev_depends"
    dpkg-deb --contents "$runtime_deb" >"$work/runtime.list"
    dpkg-deb --contents "$dev_deb" >"$work/dev.list"
    for f in ./usr/bin/overseer ./usr/bin/overseer-capture ./usr/bin/overseer-report \
             ./usr/bin/overseer-demo ./usr/share/doc/overseer/user-guide.md; do
      grep -q " $f\$" "$work/runtime.list" || fail "$f is not in the runtime package"
    done
    for f in ./usr/lib/cmake/Overseer/OverseerConfig.cmake ./usr/include/core/runtime.h \
             ./usr/include/probes/capture/capture.pb.h ./usr/lib/liboverseer_core.a; do
      grep -q " $f\$" "$work/dev.list" || fail "$f is not in the dev package"
    done
    dpkg-deb -x "$runtime_deb" "$work/root"
    dpkg-deb -x "$dev_deb" "$work/root"
    prefix="$work/root/usr"
    ;;
  *) fail "unknown mode $how" ;;
esac

# What the package holds.
for f in bin/overseer-capture bin/overseer-report bin/overseer-demo \
         lib/cmake/Overseer/OverseerConfig.cmake lib/cmake/Overseer/OverseerConfigVersion.cmake \
         include/core/runtime.h include/probes/sampler/recorder.h \
         include/probes/attach/env.h include/probes/metrics/metrics_env.h \
         include/probes/capture/capture.pb.h share/doc/overseer/capture-format.md; do
  [[ -e "$prefix/$f" ]] || fail "$f is not installed"
done
# No header of the package includes one it did not install.
for h in $(cd "$prefix/include" && find core probes -name '*.h'); do
  for inc in $(grep -ho '#include "\(core\|probes\)/[^"]*"' "$prefix/include/$h" | sed 's/#include "\(.*\)"/\1/'); do
    [[ -e "$prefix/include/$inc" ]] || fail "$h includes $inc, which is not installed"
  done
done

# The example, configured with the package alone.
"$cmake" -S "$source/examples/worker_pool" -B "$work/example" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; fail "configuring the example"; }
grep -q "Overseer $version from $prefix/lib/cmake/Overseer" "$work/configure.log" \
  || { cat "$work/configure.log"; fail "Overseer_VERSION"; }
"$cmake" --build "$work/example" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; fail "building the example"; }

# Recorded with the installed tools, and read back.
"$prefix/bin/overseer-capture" --quiet --out "$work/pool.ovc" \
  --launch -- "$work/example/worker_pool" --seconds 5 2>"$work/capture.log" \
  || { cat "$work/capture.log"; fail "recording the example"; }
"$prefix/bin/overseer-report" "$work/pool.ovc" >"$work/report.txt" \
  || { cat "$work/report.txt"; fail "overseer-report"; }
cat "$work/report.txt"
grep -q "^Program    worker_pool" "$work/report.txt" || fail "the program's name"
for name in pool.sup pool.dispatcher pool.worker.0 pool.worker.3; do
  grep -q " $name " "$work/report.txt" || fail "$name is not in the report"
done
# The slow worker's mailbox fills faster than it drains, and the analysis
# says so.
"$prefix/bin/overseer-report" --suspects --format csv "$work/pool.ovc" >"$work/suspects.csv"
grep -q "^[0-9]*,mailbox_backlog,[0-9]*,pool.worker.3," "$work/suspects.csv" \
  || { cat "$work/suspects.csv"; fail "no mailbox backlog finding for pool.worker.3"; }
echo "PASS ($how)"
