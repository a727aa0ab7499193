// An application aimed at a name: `ping db` as a shell runs it. At the application's start time the
// node's StubResolver looks the name up (queries on the wire); once it has an address, the
// application itself (Ping, UdpClient, TcpClient, Traceroute, UdpFlows) starts at once with it, as
// ping starts sending after getaddrinfo() returns. If the name does not resolve, nothing is sent and
// the outcome says why: name_not_found, dns_timeout or dns_failure ("ping: db: Name or service not
// known", "Temporary failure in name resolution").
#pragma once

#include <string>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/node/application.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/stub_resolver.h"

namespace vpcsim::node {

/// What every Resolving<App> shares: the lookup and, once it succeeded, the application it started.
class ResolvingApplication : public Application, public LookupHandler, public core::EventHandler {
 public:
  const std::string& name() const { return name_; }
  /// The lookup's result (status pending until it ends).
  const LookupResult& lookup() const { return lookup_; }
  /// The application started with the address, or nullptr (not yet, or the name did not resolve).
  Application* started() const { return started_; }

  std::string_view kind() const override { return kind_; }
  std::string summary() const override {
    if (started_ != nullptr) return lookup_.to_string() + "; " + started_->summary();
    return lookup_.to_string();
  }
  Outcome outcome() const override {
    switch (lookup_.status) {
      case LookupStatus::pending: return Outcome::pending;
      case LookupStatus::found: return started_ != nullptr ? started_->outcome() : Outcome::pending;
      case LookupStatus::not_found: return Outcome::name_not_found;
      case LookupStatus::timeout: return Outcome::dns_timeout;
      case LookupStatus::failure: return Outcome::dns_failure;
    }
    return Outcome::pending;
  }

  void handle_event(const core::Event&) override { resolver_.lookup(name_, this); }

 protected:
  /// Throws core::ConfigError if `node` has no resolver.
  ResolvingApplication(IpNode& node, std::string name, std::string_view kind, core::Time start)
      : name_(std::move(name)), kind_(kind), resolver_(resolver_of(node, name_)) {
    lookup_.name = name_;
    node.network().simulation().schedule_at(start, *this, 0);
  }
  std::string name_;
  std::string_view kind_;
  StubResolver& resolver_;
  LookupResult lookup_;
  Application* started_ = nullptr;

 private:
  static StubResolver& resolver_of(IpNode& node, const std::string& name) {
    StubResolver* resolver = find_resolver(node);
    if (resolver == nullptr)
      throw core::ConfigError(node.name(), "resolver",
                              "cannot look up '" + name + "': the node has no resolver (give it nameservers or a hosts table)");
    return *resolver;
  }
};

template <class App>
struct ResolvingConfig {
  std::string name;
  typename App::Config app;  ///< its destination is filled from the lookup, its start with the time
};

template <class App>
class Resolving final : public ResolvingApplication {
 public:
  using Config = ResolvingConfig<App>;
  Resolving(IpNode& node, Config config)
      : ResolvingApplication(node, config.name, App::kKind, config.app.start), node_(node), app_config_(std::move(config.app)) {}

  /// The application, once started.
  App* app() const { return static_cast<App*>(started_); }

  void on_lookup(IpNode&, const LookupResult& result) override {
    lookup_ = result;
    if (result.status != LookupStatus::found) return;
    app_config_.destination = result.address;
    app_config_.start = node_.network().now();
    started_ = &node_.add_application<App>(app_config_);
  }

 private:
  IpNode& node_;
  typename App::Config app_config_;
};

}  // namespace vpcsim::node
