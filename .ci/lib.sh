# Shared by the .ci scripts (sourced from the repository's root).
PYTHON=${PYTHON:-python3}
# Commands pip installs for $PYTHON (the `vpcsim` console script) come first on PATH.
PATH="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}

# pip install into $PYTHON's environment. Debian's own python3 is "externally managed" (PEP 668) and
# refuses without --break-system-packages; a virtualenv, or a python3 of one's own, takes the plain form.
pip_install() {
  local flags=()
  if "$PYTHON" -c 'import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)'; then
    flags=(--break-system-packages)
  fi
  # (As root, which a fresh machine's CI is, pip warns about it on every call: not news here.)
  PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install -q ${flags[@]+"${flags[@]}"} "$@"
}
