// vpcsim._core: the C++ library as a Python extension module. The Python package `vpcsim` re-exports
// it with an explicit __all__ and adds what is Pythonic (tables, the scenario loader, the CLI).
#include "bindings.h"

namespace vpcsim::bindings {
void bind_lb(py::module_& m);  // bind_lb.cpp (declared here: bindings.h is included by every area)
}

PYBIND11_MODULE(_core, m) {
  namespace b = vpcsim::bindings;
  m.doc() = "vpcsim core: a deterministic network simulator whose packets are real Ethernet frames";
  // The one version: CMake's project(VERSION), which pyproject.toml also reads (scikit-build-core's
  // regex provider); vpcsim.__version__ is this.
  m.attr("__version__") = VPCSIM_VERSION;
  b::bind_errors(m);
  b::bind_core(m);
  b::bind_wire(m);
  b::bind_trace(m);
  b::bind_link(m);
  b::bind_stack(m);
  b::bind_node(m);
  b::bind_dns(m);
  b::bind_http(m);
  b::bind_nat(m);
  b::bind_lb(m);
  b::bind_cloud(m);
  b::bind_flow_logs(m);
  b::bind_io(m);
  b::bind_craft(m);
  b::bind_yaml(m);
  b::bind_bulk(m);
  b::bind_replay(m);
}
