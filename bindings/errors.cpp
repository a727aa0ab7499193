// C++ exceptions arrive in Python as the small hierarchy of vpcsim/errors.py:
//   vpcsim.Error ← vpcsim.ConfigError (also a ValueError), vpcsim.ParseError (also a ValueError).
// ConfigError carries .object and .field, ParseError .text, so callers need not parse messages.
#include "bindings.h"
#include "libnet/core/error.h"

namespace vpcsim::bindings {

void bind_errors(py::module_&) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const core::ConfigError& e) {
      py::object type = py::module_::import("vpcsim.errors").attr("ConfigError");
      py::object error = type(e.what());
      error.attr("object") = e.object();
      error.attr("field") = e.field();
      PyErr_SetObject(type.ptr(), error.ptr());
    } catch (const core::ParseError& e) {
      py::object type = py::module_::import("vpcsim.errors").attr("ParseError");
      py::object error = type(e.what());
      error.attr("text") = e.text();
      PyErr_SetObject(type.ptr(), error.ptr());
    } catch (const core::Error& e) {
      py::object type = py::module_::import("vpcsim.errors").attr("Error");
      PyErr_SetObject(type.ptr(), type(e.what()).ptr());
    }
  });
}

core::Time to_time(const py::object& value, const char* what) {
  if (py::isinstance<py::str>(value)) return core::parse_duration(value.cast<std::string>());
  if (py::isinstance<py::bool_>(value) || !py::isinstance<py::int_>(value))
    throw py::type_error(std::string(what) + ": expected a duration such as '10us' or an int of nanoseconds, got " +
                         py::repr(value).cast<std::string>());
  return value.cast<core::Time>();
}

void bind_core(py::module_& m) {
  m.def("parse_duration", &core::parse_duration, py::arg("text"), "'1.5ms' -> 1500000 (nanoseconds)");
  m.def("format_duration", &core::format_duration, py::arg("ns"), "1500000 -> '1.5ms'");
  m.def("parse_bandwidth", &core::parse_bandwidth, py::arg("text"), "'1Gbps' -> 1000000000 (bits per second)");
}

}  // namespace vpcsim::bindings
