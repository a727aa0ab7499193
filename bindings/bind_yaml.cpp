// The scenario loader's fast YAML reader: libyaml's event stream turned straight into the Python
// objects vpcsim.scenario builds (its _Map and _Seq, in scenario/yaml_lines.py, which remember the
// line of every key, value and item), without PyYAML's per-event Python objects. A scenario of
// 20,000 hosts is 380,000 events: reading them one by one through PyYAML took 0.7 s, this takes a
// tenth of that.
//
// It reads only what scenario files use: one document of mappings, sequences and scalars, plain or
// quoted. Anything else — an anchor's alias, a tag, a merge key (<<), a key that is a collection, a
// duplicate key, a second document, a tab character, and every syntax error — raises
// _core.YamlFallback, and scenario/yaml_fast.py hands the text to PyYAML's full loader, so that
// results and error messages are exactly the full loader's. Plain scalars are resolved as
// scenario._Resolver (scenario/yaml_lines.py) does (YAML 1.2 core schema): true/false in three
// spellings, decimal integers, floats, null.
//
// This is Python-facing by nature (it builds Python objects as it reads, which is where the time
// was), so it lives in bindings/, and libyaml is a dependency of the extension only.
#include <yaml.h>

#include <array>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bindings.h"

namespace vpcsim::bindings {
namespace {

/// The text is not for this reader: the full loader decides (and reports errors its way).
struct Fallback {};
/// Nesting deeper than kMaxDepth, at `line`: an error of the file, not a text for the full loader
/// (PyYAML's scanner, like libyaml's, costs time quadratic in the depth of flow collections).
struct TooDeep {
  long line;
};
constexpr std::size_t kMaxDepth = 64;

/// An owned reference to a Python object (the reader is raw C API: pybind11's wrappers per event
/// would cost a good part of what it saves).
class Ref {
 public:
  Ref() = default;
  explicit Ref(PyObject* object) : object_(object) {
    if (object_ == nullptr) throw py::error_already_set();
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  Ref(Ref&& other) noexcept : object_(other.object_) { other.object_ = nullptr; }
  Ref& operator=(Ref&& other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  ~Ref() { Py_XDECREF(object_); }
  [[nodiscard]] PyObject* get() const { return object_; }
  PyObject* release() { return std::exchange(object_, nullptr); }
  static Ref borrowed(PyObject* object) {
    Py_INCREF(object);
    return Ref(object);
  }

 private:
  PyObject* object_ = nullptr;
};

void check(int status) {
  if (status < 0) throw py::error_already_set();
}

std::string_view view(const yaml_char_t* text, std::size_t length) {
  return {reinterpret_cast<const char*>(text), length};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// ^[-+]?[0-9]+$
bool is_integer(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

/// ^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$ | ^[-+]?[0-9]+[eE][-+]?[0-9]+$
bool is_float(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  bool dot = i < s.size() && s[i] == '.';
  if (dot) {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;  // "." alone, or no mantissa
  if (i == s.size()) return dot;  // "12" is an integer, not a float
  if (s[i] != 'e' && s[i] != 'E') return false;
  ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

/// A plain scalar as scenario._Loader resolves and constructs it. The resolvers are chosen by the
/// first character, as PyYAML's BaseResolver does; the regular expressions' `$` would also match
/// before a final newline, which a plain scalar never has (one that did falls back, to be exact).
Ref plain_value(std::string_view s) {
  if (s.empty()) return Ref::borrowed(Py_None);
  if (s.back() == '\n') throw Fallback{};
  Ref text(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), nullptr));
  switch (s[0]) {
    case 't': case 'T': case 'f': case 'F':
      if (s == "true" || s == "True" || s == "TRUE") return Ref::borrowed(Py_True);
      if (s == "false" || s == "False" || s == "FALSE") return Ref::borrowed(Py_False);
      return text;
    case '~': case 'n': case 'N':
      if (s == "~" || s == "null" || s == "Null" || s == "NULL") return Ref::borrowed(Py_None);
      return text;
    case '<':
      if (s == "<<") throw Fallback{};  // a merge key
      return text;
    case '.': case '-': case '+': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9': {
      PyObject* number = nullptr;
      if (s[0] != '.' && is_integer(s)) {
        std::string digits(s);  // PyLong_FromString wants a terminated string
        number = PyLong_FromString(digits.c_str(), nullptr, 10);
      } else if (is_float(s)) {
        number = PyFloat_FromString(text.get());
      } else {
        return text;
      }
      if (number == nullptr) {  // e.g. more digits than int() accepts: the full loader says what it says
        PyErr_Clear();
        throw Fallback{};
      }
      return Ref(number);
    }
    default:
      return text;
  }
}

/// The open collections, innermost last.
struct Open {
  PyObject* container;  // borrowed: its parent (or the root) holds it
  PyObject* key_lines;  // a mapping's key_lines, or nullptr for a sequence
  PyObject* lines;      // a mapping's value_lines, or a sequence's item_lines
};

class Reader {
 public:
  Reader(PyObject* map_type, PyObject* seq_type) : map_type_(map_type), seq_type_(seq_type) {
    line_ = Ref(PyUnicode_InternFromString("line"));
    key_lines_ = Ref(PyUnicode_InternFromString("key_lines"));
    value_lines_ = Ref(PyUnicode_InternFromString("value_lines"));
    item_lines_ = Ref(PyUnicode_InternFromString("item_lines"));
  }

  Ref read(std::string_view text) {
    if (text.find('\t') != std::string_view::npos)
      throw Fallback{};  // libyaml accepts tabs as separators in places where the full loader refuses them
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    // No yaml_parser_set_encoding: the text is UTF-8 either way, and only libyaml's own detection
    // skips a byte order mark (with the encoding set, "\ufeffa: 1\nb: 2" reads as misindented).
    try {
      run(parser);
    } catch (...) {
      yaml_parser_delete(&parser);
      throw;
    }
    yaml_parser_delete(&parser);
    return root_.get() != nullptr ? std::move(root_) : Ref::borrowed(Py_None);
  }

 private:
  void run(yaml_parser_t& parser) {
    int documents = 0;
    for (;;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser, &event) == 0) throw Fallback{};  // a syntax error
      try {
        if (!handle(event, documents)) {
          yaml_event_delete(&event);
          return;
        }
      } catch (...) {
        yaml_event_delete(&event);
        throw;
      }
      yaml_event_delete(&event);
    }
  }

  /// False at the end of the stream.
  bool handle(const yaml_event_t& event, int& documents) {
    const long line = static_cast<long>(event.start_mark.line) + 1;
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = event.data.scalar;
        if (s.tag != nullptr) throw Fallback{};
        const bool is_key = in_mapping() && want_key_;
        const std::string_view text = view(s.value, s.length);
        Ref value = s.plain_implicit == 0 ? Ref(PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), nullptr))
                    : is_key              ? cached_key(text)
                                          : plain_value(text);
        if (is_key) {
          key_ = std::move(value);
          key_line_ = line;
          want_key_ = false;
        } else {
          place(value.get(), line);
          want_key_ = true;  // read only inside a mapping
        }
        return true;
      }
      case YAML_MAPPING_START_EVENT:
      case YAML_SEQUENCE_START_EVENT: {
        const bool mapping = event.type == YAML_MAPPING_START_EVENT;
        if ((mapping ? event.data.mapping_start.tag : event.data.sequence_start.tag) != nullptr) throw Fallback{};
        if (in_mapping() && want_key_) throw Fallback{};  // a mapping or a list as a key
        Ref value(PyObject_CallNoArgs(mapping ? map_type_ : seq_type_));
        check(PyObject_SetAttr(value.get(), line_.get(), line_number(line)));
        Open open{value.get(), nullptr, nullptr};
        if (mapping) {
          Ref key_lines(PyDict_New());
          Ref value_lines(PyDict_New());
          check(PyObject_SetAttr(value.get(), key_lines_.get(), key_lines.get()));
          check(PyObject_SetAttr(value.get(), value_lines_.get(), value_lines.get()));
          open.key_lines = key_lines.get();  // the object's attributes hold them
          open.lines = value_lines.get();
        } else {
          Ref item_lines(PyList_New(0));
          check(PyObject_SetAttr(value.get(), item_lines_.get(), item_lines.get()));
          open.lines = item_lines.get();
        }
        place(value.get(), line);
        if (stack_.size() >= kMaxDepth) throw TooDeep{line};
        stack_.push_back(open);
        want_key_ = true;
        return true;
      }
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        stack_.pop_back();
        want_key_ = true;
        return true;
      case YAML_DOCUMENT_START_EVENT:
        if (++documents > 1) throw Fallback{};  // "expected a single document in the stream"
        return true;
      case YAML_ALIAS_EVENT:
        throw Fallback{};
      case YAML_STREAM_END_EVENT:
        return false;
      default:  // stream start, document end
        return true;
    }
  }

  [[nodiscard]] bool in_mapping() const { return !stack_.empty() && stack_.back().key_lines != nullptr; }

  /// Puts a value (a scalar or a new collection) into the innermost collection, or makes it the root.
  void place(PyObject* value, long line) {
    PyObject* number = line_number(line);
    if (stack_.empty()) {
      root_ = Ref::borrowed(value);
      return;
    }
    const Open& open = stack_.back();
    if (open.key_lines == nullptr) {
      check(PyList_Append(open.container, value));
      check(PyList_Append(open.lines, number));
      return;
    }
    const int present = PyDict_Contains(open.container, key_.get());
    check(present);
    if (present != 0) throw Fallback{};  // a duplicate key: reported by the full loader
    check(PyDict_SetItem(open.container, key_.get(), value));
    check(PyDict_SetItem(open.key_lines, key_.get(), line_number(key_line_)));
    check(PyDict_SetItem(open.lines, key_.get(), number));
  }

  /// The line as a Python int, borrowed. Most lines of a large file hold several keys and values
  /// (a host in flow style is seven), so the last one made is kept: one int per line, not per use.
  PyObject* line_number(long line) {
    if (line != last_line_ || last_number_.get() == nullptr) {
      last_number_ = Ref(PyLong_FromLong(line));
      last_line_ = line;
    }
    return last_number_.get();
  }

  /// The same few keys recur thousands of times (kind, interfaces, ip, gateway): a small table,
  /// indexed by the text's hash, keeps the last key made for each slot, so a recurring key is made
  /// once. A unique key (a node's name) just takes its slot. Values are not kept: most are unique
  /// (names, addresses), and making one costs less than looking it up.
  Ref cached_key(std::string_view text) {
    KeySlot& slot = keys_[std::hash<std::string_view>{}(text) % keys_.size()];
    if (slot.value.get() == nullptr || slot.text != text) {
      slot.value = plain_value(text);
      slot.text.assign(text);
    }
    return Ref::borrowed(slot.value.get());
  }

  PyObject* map_type_;
  PyObject* seq_type_;
  Ref line_, key_lines_, value_lines_, item_lines_;
  std::vector<Open> stack_;
  struct KeySlot {
    std::string text;
    Ref value;
  };
  std::array<KeySlot, 64> keys_;
  Ref root_;
  Ref key_;
  long key_line_ = 0;
  long last_line_ = 0;
  Ref last_number_;
  bool want_key_ = false;
};

}  // namespace

void bind_yaml(py::module_& m) {
  static py::exception<Fallback> fallback(m, "YamlFallback");
  static py::exception<TooDeep> too_deep(m, "YamlTooDeep");
  too_deep.attr("max_depth") = kMaxDepth;
  m.def(
      "read_yaml",
      [](const py::str& text, const py::type& map_type, const py::type& seq_type) -> py::object {
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
        if (utf8 == nullptr) {  // lone surrogates: not UTF-8, and not printable for the full loader either
          PyErr_Clear();
          PyErr_SetString(fallback.ptr(), "not UTF-8");
          throw py::error_already_set();
        }
        try {
          Reader reader(map_type.ptr(), seq_type.ptr());
          return py::reinterpret_steal<py::object>(
              reader.read(std::string_view(utf8, static_cast<std::size_t>(size))).release());
        } catch (const Fallback&) {
          PyErr_SetString(fallback.ptr(), "the full YAML loader reads this text");
          throw py::error_already_set();
        } catch (const TooDeep& deep) {
          PyErr_SetObject(too_deep.ptr(), py::int_(deep.line).ptr());  // args[0]: the line
          throw py::error_already_set();
        }
      },
      py::arg("text"), py::arg("map_type"), py::arg("seq_type"),
      "Reads one YAML document of mappings, sequences and scalars into map_type / seq_type objects "
      "that remember their lines (vpcsim.scenario's fast path); raises YamlFallback for anything else.");
}

}  // namespace vpcsim::bindings
