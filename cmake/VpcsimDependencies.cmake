# The system libraries vpcsim builds against, found in one place so that a machine without them gets
# ONE line naming every package to install, on Debian/Ubuntu and on Fedora, instead of CMake stopping
# at the first missing one with "required packages were not found: libpcap" (`pip install .` shows
# only that line to a user who never ran CMake). tests/python/test_packaging.py hides the libraries
# and checks the line.
#
# Defines PkgConfig::PCAP, TINS_LIBRARY, TINS_INCLUDE_DIR and ZLIB::ZLIB, and with VPCSIM_PYTHON PkgConfig::YAML.
set(_vpcsim_missing "")
set(_vpcsim_debian "")
set(_vpcsim_fedora "")
macro(_vpcsim_missing_package what debian fedora)
  list(APPEND _vpcsim_missing "${what}")
  list(APPEND _vpcsim_debian "${debian}")
  list(APPEND _vpcsim_fedora "${fedora}")
endmacro()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PCAP QUIET IMPORTED_TARGET libpcap)
else()
  _vpcsim_missing_package(pkg-config pkg-config pkgconf-pkg-config)
endif()
if(NOT PCAP_FOUND)
  _vpcsim_missing_package(libpcap libpcap-dev libpcap-devel)
endif()

find_library(TINS_LIBRARY NAMES tins)
find_path(TINS_INCLUDE_DIR NAMES tins/tins.h)
if(NOT TINS_LIBRARY OR NOT TINS_INCLUDE_DIR)
  _vpcsim_missing_package(libtins libtins-dev libtins-devel)
endif()

# zlib: io/flow_log_reader reads gzip-compressed VPC Flow Logs as AWS delivers them.
find_package(ZLIB QUIET)
if(NOT ZLIB_FOUND)
  _vpcsim_missing_package(zlib zlib1g-dev zlib-devel)
endif()

if(VPCSIM_PYTHON)
  # libyaml: the scenario loader's fast reader (bindings/bind_yaml.cpp); the C++ library does not use it.
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(YAML QUIET IMPORTED_TARGET yaml-0.1)
  endif()
  if(NOT YAML_FOUND)
    _vpcsim_missing_package(libyaml libyaml-dev libyaml-devel)
  endif()
  find_package(Python 3.9 QUIET COMPONENTS Interpreter Development.Module)
  if(NOT Python_Development.Module_FOUND)
    _vpcsim_missing_package("Python headers" python3-dev python3-devel)
  endif()
endif()

if(VPCSIM_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND OR NOT TARGET GTest::gmock)
    _vpcsim_missing_package(GoogleTest "libgtest-dev;libgmock-dev" "gtest-devel;gmock-devel")
  endif()
endif()

if(_vpcsim_missing)
  list(JOIN _vpcsim_missing ", " _what)
  list(JOIN _vpcsim_debian " " _debian)
  list(JOIN _vpcsim_fedora " " _fedora)
  message(FATAL_ERROR " vpcsim needs ${_what}: install them with `sudo apt-get install ${_debian}` "
                      "(Debian, Ubuntu) or `sudo dnf install ${_fedora}` (Fedora), then build again.")
endif()
