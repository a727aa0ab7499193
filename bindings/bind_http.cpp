// HTTP applications (node/http_client.h, node/http_server.h) for Python: HttpRoute, HttpServer,
// HttpClient with its HttpExchange records, and IpNode.http_server() / IpNode.http_request().
#include <map>

#include "bindings.h"
#include "libnet/node/http_client.h"
#include "libnet/node/http_server.h"
#include "libnet/node/ip_node.h"

namespace vpcsim::bindings {
namespace {

constexpr auto kRef = py::return_value_policy::reference_internal;

double to_ms(core::Time t) { return static_cast<double>(t) / 1e6; }

/// Headers from a dict (in its order) or a list of (name, value) pairs.
std::vector<wire::HttpHeader> headers_of(const py::object& value) {
  std::vector<wire::HttpHeader> out;
  if (value.is_none()) return out;
  if (py::isinstance<py::dict>(value)) {
    for (auto item : value.cast<py::dict>()) out.push_back({py::str(item.first), py::str(item.second)});
    return out;
  }
  for (auto item : value) {
    auto pair = item.cast<std::pair<std::string, std::string>>();
    out.push_back({pair.first, pair.second});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> header_list(const std::vector<wire::HttpHeader>& headers) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : headers) out.emplace_back(h.name, h.value);
  return out;
}

std::string text_of(const py::object& value) {
  return py::isinstance<py::bytes>(value) ? value.cast<std::string>() : py::str(value).cast<std::string>();
}

}  // namespace

void bind_http(py::module_& m) {
  py::class_<node::HttpRoute>(m, "HttpRoute", "What an HttpServer answers for a path prefix.")
      .def(py::init([](std::string path, int status, const py::object& body, const py::object& headers,
                       const py::object& service_time, std::string method) {
             return node::HttpRoute{std::move(path), std::move(method), status, headers_of(headers), text_of(body),
                                    to_time(service_time, "service_time")};
           }),
           py::arg("path") = "/", py::arg("status") = 200, py::arg("body") = "", py::arg("headers") = py::none(),
           py::arg("service_time") = 0, py::arg("method") = "")
      .def_readonly("path", &node::HttpRoute::path)
      .def_readonly("method", &node::HttpRoute::method)
      .def_readonly("status", &node::HttpRoute::status)
      .def_property_readonly("body", [](const node::HttpRoute& r) { return py::bytes(r.body); })
      .def_property_readonly("headers", [](const node::HttpRoute& r) { return header_list(r.headers); })
      .def_readonly("service_time_ns", &node::HttpRoute::service_time)
      .def("__repr__", [](const node::HttpRoute& r) {
        return "<HttpRoute " + (r.method.empty() ? "" : r.method + " ") + r.path + " -> " + std::to_string(r.status) + ">";
      });

  py::class_<node::HttpServedRequest>(m, "HttpServedRequest", "A request an HttpServer answered.")
      .def_readonly("at_ns", &node::HttpServedRequest::at)
      .def_readonly("client", &node::HttpServedRequest::client)
      .def_readonly("client_port", &node::HttpServedRequest::client_port)
      .def_readonly("connection", &node::HttpServedRequest::connection)
      .def_readonly("method", &node::HttpServedRequest::method)
      .def_readonly("target", &node::HttpServedRequest::target)
      .def_readonly("host", &node::HttpServedRequest::host)
      .def_readonly("x_forwarded_for", &node::HttpServedRequest::x_forwarded_for)
      .def_readonly("status", &node::HttpServedRequest::status)
      .def("__repr__", [](const node::HttpServedRequest& r) {
        return "<HttpServedRequest " + r.method + " " + r.target + " from " + r.client.to_string() + " -> " +
               std::to_string(r.status) + ">";
      });

  py::class_<node::HttpServer, node::Application> server(
      m, "HttpServer", "An HTTP/1.1 server: routes by path prefix, keep-alive, many connections.");
  server.def_property_readonly("port", [](const node::HttpServer& s) { return s.config().port; })
      .def_property_readonly("routes", [](const node::HttpServer& s) { return s.config().routes; })
      .def_property_readonly("connections", &node::HttpServer::connections)
      .def_property_readonly("requests", &node::HttpServer::requests)
      .def_property_readonly("bad_requests", &node::HttpServer::bad_requests)
      .def_property_readonly("responses", &node::HttpServer::responses, "Responses by status code.")
      .def_property_readonly("route_hits", &node::HttpServer::route_hits, "Requests per route, in route order.")
      .def_property_readonly("unrouted", &node::HttpServer::unrouted, "Requests no route matched (404).")
      .def_property_readonly("log", &node::HttpServer::log, "The first 10,000 requests answered.")
      .def_property_readonly("open_connections", &node::HttpServer::open_connections);
  application_protocol(server);

  py::class_<node::HttpExchange>(m, "HttpExchange", "One request of an HttpClient and its response.")
      .def_readonly("request", &node::HttpExchange::request)
      .def_readonly("connection", &node::HttpExchange::connection)
      .def_readonly("source_port", &node::HttpExchange::src_port)
      .def_readonly("sent_at_ns", &node::HttpExchange::sent_at)
      .def_property_readonly("response_time_ms", [](const node::HttpExchange& e) -> std::optional<double> {
        if (!e.response_time) return std::nullopt;
        return to_ms(*e.response_time);
      })
      .def_property_readonly("status", [](const node::HttpExchange& e) -> std::optional<int> {
        if (e.status == 0) return std::nullopt;
        return e.status;
      }, "The response's status code, or None without a response.")
      .def_readonly("reason", &node::HttpExchange::reason)
      .def_property_readonly("headers", [](const node::HttpExchange& e) { return header_list(e.headers); })
      .def_property_readonly("body", [](const node::HttpExchange& e) { return py::bytes(e.body); })
      .def("header", [](const node::HttpExchange& e, std::string_view name) -> std::optional<std::string> {
        auto v = wire::find_http_header(e.headers, name);
        if (!v) return std::nullopt;
        return std::string(*v);
      }, py::arg("name"), "The first response header of that name (any case), or None.")
      .def("__repr__", [](const node::HttpExchange& e) {
        return "<HttpExchange #" + std::to_string(e.request) + " on connection " + std::to_string(e.connection) +
               ": " + (e.status == 0 ? std::string("no response") : std::to_string(e.status) + " " + e.reason) + ">";
      });

  py::class_<node::HttpClient, node::Application> client(
      m, "HttpClient", "Sends HTTP/1.1 requests one after another over keep-alive connections, as curl does.");
  client.def_property_readonly("destination", [](const node::HttpClient& c) { return c.config().destination; })
      .def_property_readonly("port", [](const node::HttpClient& c) { return c.config().port; })
      .def_property_readonly("host", &node::HttpClient::host_header, "The Host header the requests carry.")
      .def_property_readonly("keep_alive", [](const node::HttpClient& c) { return c.config().keep_alive; })
      .def_property_readonly("exchanges", &node::HttpClient::exchanges)
      .def_property_readonly("statuses", [](const node::HttpClient& c) {
        std::vector<int> out;
        for (const auto& e : c.exchanges())
          if (e.status != 0) out.push_back(e.status);
        return out;
      }, "The status of each response received, in order.")
      .def_property_readonly("requests", [](const node::HttpClient& c) { return c.config().requests.size(); })
      .def_property_readonly("responses", &node::HttpClient::responses)
      .def_property_readonly("connections", &node::HttpClient::connections)
      .def_property_readonly("error", [](const node::HttpClient& c) -> std::optional<std::string> {
        if (c.error() == stack::TcpError::none) return std::nullopt;
        return std::string(stack::to_string(c.error()));
      }, "Why a connection failed ('connection_refused', 'timed_out', ...), or None.")
      .def_property_readonly("send_failure", [](const node::HttpClient& c) -> std::optional<std::string> {
        if (!c.send_failure()) return std::nullopt;
        return std::string(node::to_string(*c.send_failure()));
      })
      .def_property_readonly("parse_error", [](const node::HttpClient& c) -> std::optional<std::string> {
        if (c.parse_error() == wire::HttpError::none) return std::nullopt;
        return std::string(wire::to_string(c.parse_error()));
      }, "Why a response was not HTTP, or None.")
      .def_property_readonly("errors", &node::HttpClient::icmp_errors, "ICMP errors about the connections' segments.");
  application_protocol(client);

  auto ip_node = py::reinterpret_borrow<py::class_<node::IpNode>>(m.attr("IpNode"));
  ip_node
      .def("http_server",
           [](node::IpNode& n, std::uint16_t port, std::vector<node::HttpRoute> routes) -> node::HttpServer& {
             return n.add_application<node::HttpServer>({port, std::move(routes)});
           },
           py::arg("port") = 80, py::arg("routes") = std::vector<node::HttpRoute>{}, kRef,
           "An HTTP/1.1 server on `port` answering from `routes` (HttpRoute; longest path prefix wins, "
           "404 for none).")
      .def("http_request",
           [](node::IpNode& n, Arg<wire::Ipv4Address> destination, std::uint16_t port, const py::object& path,
              std::string host, std::string method, const py::object& body, const py::object& headers,
              std::uint32_t count, bool keep_alive, const py::object& start) -> node::HttpClient& {
             node::HttpClientConfig c;
             c.destination = value_of(destination);
             c.port = port;
             c.host = std::move(host);
             c.keep_alive = keep_alive;
             c.start = to_time(start, "start");
             std::vector<std::string> paths;
             if (py::isinstance<py::str>(path))
               paths.push_back(path.cast<std::string>());
             else
               paths = path.cast<std::vector<std::string>>();
             const auto extra = headers_of(headers);
             const std::string data = text_of(body);
             for (std::uint32_t i = 0; i < count; ++i)
               for (const auto& p : paths) c.requests.push_back({method, p, extra, data});
             return n.add_application<node::HttpClient>(c);
           },
           py::arg("destination"), py::arg("port") = 80, py::arg("path") = "/", py::arg("host") = "",
           py::arg("method") = "GET", py::arg("body") = "", py::arg("headers") = py::none(), py::arg("count") = 1,
           py::arg("keep_alive") = true, py::arg("start") = 0, kRef,
           "HTTP requests to destination:port: `path` (or each of a list of paths) `count` times, one after "
           "another, over keep-alive connections unless keep_alive=False. host='' sends the address as Host.");
}

}  // namespace vpcsim::bindings
