// The busy check of thread_guard.h: which Networks are running, and whose object is whose.
#include "thread_guard.h"

#include <algorithm>
#include <string>
#include <vector>

namespace vpcsim::bindings {

std::atomic<int> g_networks_running{0};

namespace {

namespace py = pybind11;

// Changed and read only with the GIL held, so a plain vector is enough; it holds one entry per
// thread that is running a Network right now.
std::vector<const node::Network*>& running() {
  static std::vector<const node::Network*> networks;
  return networks;
}

bool is_running(const node::Network* net) {
  const auto& r = running();
  return std::find(r.begin(), r.end(), net) != r.end();
}

[[noreturn]] void raise_busy(const std::string& what) {
  py::object error = py::module_::import("vpcsim.errors")
                         .attr("NetworkBusyError")("vpcsim." + what +
                                                   ": its Network is running in another thread (run() releases "
                                                   "the GIL); use a Network and what it made from one thread at "
                                                   "a time, or give each thread its own Network");
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

/// The Network `object` belongs to: itself, or the first Network up its keep-alive chain (objects are
/// handed out with reference_internal or keep_alive, so each keeps its parent). Null if none.
const node::Network* network_of(py::handle object) {
  const py::handle network_type = py::detail::get_type_handle(typeid(node::Network), false);
  std::vector<PyObject*> todo{object.ptr()};
  // The chains are short (Subnet -> Vpc -> Cloud -> Network); the bound guards against a cycle.
  for (int visited = 0; !todo.empty() && visited < 64; ++visited) {
    PyObject* current = todo.back();
    todo.pop_back();
    if (network_type && PyObject_TypeCheck(current, reinterpret_cast<PyTypeObject*>(network_type.ptr()))) {
      py::detail::type_caster_base<node::Network> caster;
      if (caster.load(current, false)) return static_cast<const node::Network*>(caster.value);
    }
    py::detail::with_internals([&](py::detail::internals& internals) {
      auto it = internals.patients.find(current);
      if (it != internals.patients.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
    });
  }
  return nullptr;
}

}  // namespace

void check_not_busy_slow(py::handle object) {
  const node::Network* net = network_of(object);
  if (net != nullptr && is_running(net)) raise_busy(Py_TYPE(object.ptr())->tp_name);
}

RunScope::RunScope(const node::Network& net) : net_(&net) {
  // The caster checked `net` already; this catches a run() of an object that reached it otherwise.
  if (is_running(net_)) raise_busy("Network");
  running().push_back(net_);
  g_networks_running.fetch_add(1, std::memory_order_relaxed);
}

RunScope::~RunScope() {
  auto& r = running();
  r.erase(std::find(r.begin(), r.end(), net_));
  g_networks_running.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace vpcsim::bindings
