// C++ exceptions arrive in Python as the small hierarchy of vpcsim/errors.py:
//   vpcsim.Error ← vpcsim.ConfigError (also a ValueError), vpcsim.ParseError (also a ValueError).
// ConfigError carries .object and .field, ParseError .text, so callers need not parse messages.
#include "bindings.h"
#include "libnet/core/error.h"

namespace vpcsim::bindings {

py::object python_error(const core::Error& e) {
  py::module_ errors = py::module_::import("vpcsim.errors");
  if (const auto* config = dynamic_cast<const core::ConfigError*>(&e)) {
    py::object error = errors.attr("ConfigError")(e.what());
    error.attr("object") = config->object();
    error.attr("field") = config->field();
    return error;
  }
  if (const auto* parse = dynamic_cast<const core::ParseError*>(&e)) {
    py::object error = errors.attr("ParseError")(e.what());
    error.attr("text") = parse->text();
    return error;
  }
  return errors.attr("Error")(e.what());
}

void bind_errors(py::module_&) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const core::Error& e) {
      py::object error = python_error(e);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });
}

core::Time to_time(const py::object& value, const char* what) {
  // Every duration, start and end the API takes is >= 0: a negative one was scheduled in the past.
  if (py::isinstance<py::str>(value)) {
    const core::Time t = core::parse_duration(value.cast<std::string>());
    if (t < 0) throw py::value_error(std::string(what) + ": must not be negative, not " + value.cast<std::string>());
    return t;
  }
  if (py::isinstance<py::bool_>(value) || !py::isinstance<py::int_>(value))
    throw py::type_error(std::string(what) + ": expected a duration such as '10us' or an int of nanoseconds, got " +
                         py::repr(value).cast<std::string>());
  check_int_range(value.cast<py::int_>(), what, 0, static_cast<unsigned long long>(std::numeric_limits<core::Time>::max()));
  return value.cast<core::Time>();
}

void check_int_range(const py::int_& value, const char* name, long long lo, unsigned long long hi) {
  const int below = PyObject_RichCompareBool(value.ptr(), py::int_(lo).ptr(), Py_LT);
  const int above = PyObject_RichCompareBool(value.ptr(), py::int_(hi).ptr(), Py_GT);
  if (below < 0 || above < 0) throw py::error_already_set();
  if (below != 0 || above != 0)
    throw py::value_error(std::string(name) + ": " + py::str(value).cast<std::string>() + " is outside " +
                          std::to_string(lo) + ".." + std::to_string(hi));
}

void bind_core(py::module_& m) {
  m.def("parse_duration", &core::parse_duration, py::arg("text"), "'1.5ms' -> 1500000 (nanoseconds)");
  m.def("format_duration", &core::format_duration, py::arg("ns"), "1500000 -> '1.5ms'");
  m.def("parse_bandwidth", &core::parse_bandwidth, py::arg("text"), "'1Gbps' -> 1000000000 (bits per second)");
}

}  // namespace vpcsim::bindings
