// Errors are values with names (DESIGN.md, decision 6).
//
// Configuration mistakes and unparsable text throw one exception that names the culprit: the object
// and field for a ConfigError ("r1: route 10.9.0.0/16: gateway 10.0.5.1 is not on any connected
// subnet"), the offending text for a ParseError ("invalid IPv4 prefix '10.0.0.1/33': prefix length
// 33 is greater than 32"). Malformed *packets* are never exceptions: the wire layer returns a
// WireError value and the node counts and traces the drop.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vpcsim::core {

/// Base of every exception vpcsim throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Text that does not parse as the value asked for. what() quotes the text.
class ParseError : public Error {
 public:
  ParseError(std::string_view what_kind, std::string_view text, std::string_view reason)
      : Error("invalid " + std::string(what_kind) + " '" + std::string(text) + "': " + std::string(reason)),
        text_(text) {}
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

/// A configuration that cannot be built. what() is "<object>: <field>: <message>".
class ConfigError : public Error {
 public:
  ConfigError(std::string object, std::string field, std::string_view message)
      : Error(compose(object, field, message)), object_(std::move(object)), field_(std::move(field)) {}
  const std::string& object() const { return object_; }
  const std::string& field() const { return field_; }

 private:
  static std::string compose(const std::string& object, const std::string& field, std::string_view message) {
    std::string text = object;
    if (!field.empty()) text += ": " + field;
    text += ": ";
    text += message;
    return text;
  }
  std::string object_;
  std::string field_;
};

}  // namespace vpcsim::core
