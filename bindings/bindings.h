// Shared declarations of the pybind11 module: one bind_<area>() per layer, and the argument
// conversions every area uses. The bindings are thin: they adapt types, they hold no logic.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <string>
#include <variant>

#include "libnet/core/error.h"
#include "libnet/core/time.h"
#include "thread_guard.h"
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
void bind_dns(py::module_& m);
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

/// A duration, start or end from Python: a string with a unit ("10us", "1.5s") or an int of
/// nanoseconds, >= 0 and below 2^63 (else ValueError naming `what`).
core::Time to_time(const py::object& value, const char* what);

/// An int argument in lo..hi (by default T's range), else ValueError naming the parameter and the
/// range: pybind11's own conversion of an out-of-range int says only "incompatible function arguments".
void check_int_range(const py::int_& value, const char* name, long long lo, unsigned long long hi);
template <class T>
T to_int(const py::int_& value, const char* name, long long lo = static_cast<long long>(std::numeric_limits<T>::min()),
         unsigned long long hi = std::numeric_limits<T>::max()) {
  check_int_range(value, name, lo, hi);
  return value.cast<T>();
}

/// The repr every application shares: "<kind: summary>".
template <class App>
void application_protocol(py::class_<App, node::Application>& c) {
  c.def("__repr__", [](const App& a) { return "<" + std::string(a.kind()) + ": " + a.summary() + ">"; });
}

}  // namespace vpcsim::bindings
