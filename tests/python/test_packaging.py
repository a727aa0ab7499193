"""Packaging: a machine without the system libraries gets one line naming the packages to install.

`pip install .` runs CMake through scikit-build-core and shows the user CMake's error; the check in
cmake/VpcsimDependencies.cmake must then say in ONE line which Debian and Fedora packages are missing.
Here CMake configures the real project with the libraries hidden from it: pkg-config looks in an
empty directory (PKG_CONFIG_LIBDIR), and CMake's find_library/find_path ignore the system include and
library directories (CMAKE_IGNORE_PATH) where libtins lives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import List

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def configure(build_dir: Path, *, hide_pkg_config: bool, hide_dirs: List[str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("cmake") is None:
        pytest.fail("cmake is not installed (bash .ci/setup.sh installs it)")
    env = dict(os.environ)
    if hide_pkg_config:
        env["PKG_CONFIG_LIBDIR"] = str(build_dir / "no-pkgconfig")
        env.pop("PKG_CONFIG_PATH", None)
    args = ["cmake", "-S", str(REPO_ROOT), "-B", str(build_dir), "-DVPCSIM_PYTHON=ON", "-DVPCSIM_TESTS=OFF",
            "-DVPCSIM_BENCHMARKS=OFF", "-DVPCSIM_EXAMPLES=OFF"]
    if hide_dirs:
        args.append("-DCMAKE_IGNORE_PATH=" + ";".join(hide_dirs))
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)


def the_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, "CMake configured although the libraries were hidden"
    lines = [line.strip() for line in result.stderr.splitlines() if "vpcsim needs" in line]
    assert len(lines) == 1, f"expected one line naming the packages, got:\n{result.stderr}"
    return lines[0]


def system_dirs() -> List[str]:
    """The directories where Debian keeps libtins' header and library."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    return ["/usr/include", "/usr/local/include", f"/usr/lib/{multiarch}", "/usr/lib", "/usr/local/lib"]


def test_without_any_library_one_line_names_every_debian_and_fedora_package(tmp_path: Path) -> None:
    line = the_error_line(configure(tmp_path, hide_pkg_config=True, hide_dirs=system_dirs()))
    assert line.startswith("vpcsim needs libpcap, libtins, zlib, libyaml")
    assert "sudo apt-get install libpcap-dev libtins-dev zlib1g-dev libyaml-dev` (Debian, Ubuntu)" in line
    assert "sudo dnf install libpcap-devel libtins-devel zlib-devel libyaml-devel` (Fedora)" in line


def test_only_what_is_missing_is_named(tmp_path: Path) -> None:
    # pkg-config sees nothing (libpcap, libyaml), but libtins' header and library are still found.
    line = the_error_line(configure(tmp_path, hide_pkg_config=True, hide_dirs=[]))
    assert "apt-get install libpcap-dev libyaml-dev`" in line
    assert "dnf install libpcap-devel libyaml-devel`" in line
    assert "libtins" not in line
