// The destination argument of ping, traceroute, udp_send, udp_flows and tcp_connect: an address, or
// a name the node's resolver looks up on the wire first (node/resolving.h). Each method is bound
// twice (def_towards): for an address (an Ipv4Address, or text of digits and dots, a ParseError if
// it is a bad one) it returns the application itself, typed as before; for any other text (a name)
// it returns the Resolving<App> that starts the application once the name resolves. Two casters
// tell them apart, so the overloads never both accept one argument.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "bindings.h"
#include "libnet/node/resolving.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::bindings {

struct AddressDestination {
  wire::Ipv4Address address;
};
struct NameDestination {
  std::string name;
};

/// Text that is not digits and dots: a name, not an address.
inline bool is_name(const std::string& text) {
  return !text.empty() && !std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

template <class App>
App& start_app(node::IpNode& node, const AddressDestination& destination, typename App::Config config) {
  config.destination = destination.address;
  return node.add_application<App>(std::move(config));
}

template <class App>
node::Resolving<App>& start_app(node::IpNode& node, const NameDestination& destination, typename App::Config config) {
  return node.add_application<node::Resolving<App>>({destination.name, std::move(config)});
}

/// Binds `name` twice: make(std::type_identity<AddressDestination>{}) and the same for names.
template <class Class, class Make, class... Extra>
void def_towards(Class& cls, const char* name, const Make& make, const Extra&... extra) {
  cls.def(name, make(std::type_identity<AddressDestination>{}), extra...);
  cls.def(name, make(std::type_identity<NameDestination>{}), extra...);
}

}  // namespace vpcsim::bindings

namespace pybind11::detail {

template <>
struct type_caster<vpcsim::bindings::AddressDestination> {
  PYBIND11_TYPE_CASTER(vpcsim::bindings::AddressDestination, const_name("Ipv4Address | str"));
  bool load(handle src, bool) {
    if (isinstance<vpcsim::wire::Ipv4Address>(src)) {
      value.address = src.cast<vpcsim::wire::Ipv4Address>();
      return true;
    }
    if (!isinstance<str>(src)) return false;
    const auto text = src.cast<std::string>();
    if (vpcsim::bindings::is_name(text)) return false;
    value.address = vpcsim::wire::Ipv4Address::parse(text);  // a bad address: ParseError naming it
    return true;
  }
};

template <>
struct type_caster<vpcsim::bindings::NameDestination> {
  PYBIND11_TYPE_CASTER(vpcsim::bindings::NameDestination, const_name("str"));
  bool load(handle src, bool) {
    if (!isinstance<str>(src)) return false;
    value.name = src.cast<std::string>();
    return vpcsim::bindings::is_name(value.name);
  }
};

}  // namespace pybind11::detail
