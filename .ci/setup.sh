#!/usr/bin/env bash
# Installs what vpcsim needs on a fresh Debian (bookworm) machine, then configures and builds it.
# Idempotent: packages already present are not reinstalled. Used by .ci/demo and .ci/test.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(build-essential cmake ninja-build pkg-config libpcap-dev libtins-dev libgtest-dev libgmock-dev
                 zlib1g-dev  # gzip VPC Flow Logs (libnet/io/flow_log_reader.cpp)
                 libyaml-dev  # the scenario loader's fast YAML reader in the Python extension (bindings/bind_yaml.cpp)
                 tshark tcpdump iproute2 iptables traceroute iputils-ping ethtool python3 python3-pip
                 dnsmasq-base  # the DNS oracle (tests/python/test_dns_oracle_dnsmasq.py)
                 curl  # the HTTP oracle's real client (tests/python/test_http_oracle.py)
                 libns3-dev   # ns-3 3.37: the performance peer in benchmarks/ns3 (its smoke test builds it)
                 chromium chromium-driver)  # the HTML run report's browser test (tests/python/test_report.py)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
pip_install() {
  "$PYTHON" -m pip install -q "$@" 2>/dev/null || "$PYTHON" -m pip install -q --break-system-packages "$@"
}
# Build tools for the extension, and what the tests use (pandas, mypy, matplotlib for vpcsim.draw,
# selenium for the report's browser test, nbclient/ipykernel for the notebooks and sphinx/myst-nb for
# the docs site, dask/distributed/pyarrow for sweeps and reachability are optional for users).
PY_PACKAGES=(scikit-build-core pybind11 pyyaml pytest pandas mypy pybind11-stubgen matplotlib selenium
             nbclient ipykernel sphinx myst-nb dask distributed pyarrow)
PY_MODULES=(scikit_build_core pybind11 yaml pytest pandas mypy pybind11_stubgen matplotlib selenium
            nbclient ipykernel sphinx myst_nb dask distributed pyarrow)
py_missing=()
for i in "${!PY_MODULES[@]}"; do
  "$PYTHON" -c "import ${PY_MODULES[$i]}" 2>/dev/null || py_missing+=("${PY_PACKAGES[$i]}")
done
# PyYAML's type stubs, for tests/python/test_types.py (mypy --strict over the scenario loader).
"$PYTHON" -c "import importlib.metadata as m; m.version('types-PyYAML')" 2>/dev/null || py_missing+=(types-PyYAML)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: installing ${py_missing[*]}"
  pip_install "${py_missing[@]}"
fi

BUILD_DIR=${VPCSIM_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPCSIM_WERROR=ON ${VPCSIM_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j2

# The Python package: vpcsim and the `vpcsim` command (builds the extension in build/python-*).
echo "setup: installing the vpcsim Python package"
pip_install --no-build-isolation .
