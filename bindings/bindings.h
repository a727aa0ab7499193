// Shared declarations of the pybind11 module: one bind_<area>() per layer, and the argument
// conversions every area uses. The bindings are thin: they adapt types, they hold no logic.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <variant>

#include "libnet/core/error.h"
#include "libnet/core/time.h"
#include "libnet/node/application.h"

namespace vpcsim::bindings {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_core(py::module_& m);
void bind_wire(py::module_& m);
void bind_trace(py::module_& m);
void bind_link(py::module_& m);
void bind_stack(py::module_& m);
void bind_node(py::module_& m);
void bind_nat(py::module_& m);
void bind_cloud(py::module_& m);
void bind_flow_logs(py::module_& m);
void bind_io(py::module_& m);
void bind_craft(py::module_& m);
void bind_yaml(py::module_& m);
void bind_bulk(py::module_& m);
void bind_replay(py::module_& m);
void bind_http(py::module_& m);

/// An address-like argument: the bound value type, or text to parse. Text that does not parse raises
/// vpcsim.ParseError naming it (pybind11's implicit conversions would swallow that into a TypeError).
template <class T>
using Arg = std::variant<T, std::string>;

template <class T>
T value_of(const Arg<T>& arg) {
  return std::holds_alternative<T>(arg) ? std::get<T>(arg) : T::parse(std::get<std::string>(arg));
}

/// A vpcsim error as the Python exception the extension raises for it (vpcsim.ConfigError with
/// .object and .field, vpcsim.ParseError with .text, or vpcsim.Error).
py::object python_error(const core::Error& e);

/// A duration from Python: a string with a unit ("10us", "1.5s") or an int of nanoseconds.
core::Time to_time(const py::object& value, const char* what);

/// The repr every application shares: "<kind: summary>".
template <class App>
void application_protocol(py::class_<App, node::Application>& c) {
  c.def("__repr__", [](const App& a) { return "<" + std::string(a.kind()) + ": " + a.summary() + ">"; });
}

}  // namespace vpcsim::bindings
