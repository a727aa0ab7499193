// HTTP over the simulated TCP (libnet/node/http_client.h, http_server.h): several requests on one
// keep-alive connection, many connections to one server, routes by longest prefix, service time,
// Connection: close from either side, and the client's reconnect when the server closes.
//
//   h1 10.0.1.10 ── sw1 ── 10.0.1.20 web
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/http_client.h"
#include "libnet/node/http_server.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"

namespace vpcsim::node {
namespace {

using core::kMillisecond;
using wire::Ipv4Address;

class HttpTest : public ::testing::Test {
 protected:
  Network net{3};
  Host& h1 = net.add_host("h1");
  Host& h2 = net.add_host("h2");
  Host& web = net.add_host("web");
  Switch& sw1 = net.add_switch("sw1");

  HttpTest() {
    h1.add_interface("eth0", "10.0.1.10/24");
    h2.add_interface("eth0", "10.0.1.11/24");
    web.add_interface("eth0", "10.0.1.20/24");
    link::LinkConfig ms{kMillisecond, 1'000'000'000, 1000};
    net.connect(h1.interface("eth0"), sw1.add_port(), ms);
    net.connect(h2.interface("eth0"), sw1.add_port(), ms);
    net.connect(web.interface("eth0"), sw1.add_port(), ms);
  }
  HttpServer& server(core::Time service = 0) {
    HttpServerConfig c;
    c.port = 80;
    c.routes.push_back({"/", "", 200, {}, "home\n", 0});
    c.routes.push_back({"/api", "", 200, {{"Content-Type", "application/json"}}, "{\"ok\":true}", service});
    c.routes.push_back({"/old", "", 301, {{"Location", "/new"}}, "", 0});
    return web.add_application<HttpServer>(c);
  }
  HttpClient& client(Host& from, std::vector<std::string> paths, bool keep_alive = true, core::Time start = 0) {
    HttpClientConfig c;
    c.destination = Ipv4Address::parse("10.0.1.20");
    c.host = "shop.example";
    c.keep_alive = keep_alive;
    c.start = start;
    for (auto& p : paths) c.requests.push_back({"GET", p, {}, ""});
    return from.add_application<HttpClient>(c);
  }
};

TEST_F(HttpTest, SeveralRequestsShareOneKeepAliveConnection) {
  HttpServer& srv = server();
  HttpClient& c = client(h1, {"/api/items", "/", "/old", "/api"});
  net.run();
  ASSERT_EQ(c.outcome(), Outcome::reply);
  EXPECT_EQ(c.connections(), 1u);
  ASSERT_EQ(c.exchanges().size(), 4u);
  EXPECT_EQ(c.exchanges()[0].status, 200);
  EXPECT_EQ(c.exchanges()[0].body, "{\"ok\":true}");
  EXPECT_EQ(c.exchanges()[1].body, "home\n");
  EXPECT_EQ(c.exchanges()[2].status, 301);
  EXPECT_EQ(*wire::find_http_header(c.exchanges()[2].headers, "location"), "/new");
  EXPECT_EQ(srv.connections(), 1u);
  EXPECT_EQ(srv.requests(), 4u);
  EXPECT_EQ(srv.route_hits(), (std::vector<std::uint64_t>{1, 2, 1}));
  ASSERT_EQ(srv.log().size(), 4u);
  EXPECT_EQ(srv.log()[0].host, "shop.example");
  EXPECT_EQ(srv.log()[0].client, Ipv4Address::parse("10.0.1.10"));
  for (const auto& e : c.exchanges()) EXPECT_EQ(e.src_port, c.exchanges()[0].src_port);
  // Both ends closed: nothing is left open on the server.
  EXPECT_EQ(srv.open_connections(), 0u);
}

TEST_F(HttpTest, TheServerServesManyConnectionsNotOnce) {
  HttpServer& srv = server();
  HttpClient& a = client(h1, {"/", "/"}, false);
  HttpClient& b = client(h2, {"/api"}, true);
  HttpClient& later = client(h2, {"/"}, true, 2 * core::kSecond);
  net.run();
  EXPECT_EQ(a.outcome(), Outcome::reply);
  EXPECT_EQ(a.connections(), 2u);  // keep-alive off: one connection per request
  // ... the next opened at once, not after the first one's TIME_WAIT (60 s).
  EXPECT_LT(a.exchanges()[1].sent_at, a.exchanges()[0].sent_at + 100 * kMillisecond);
  EXPECT_EQ(b.outcome(), Outcome::reply);
  EXPECT_EQ(later.outcome(), Outcome::reply);
  EXPECT_EQ(srv.connections(), 4u);
  EXPECT_EQ(srv.requests(), 4u);
  EXPECT_EQ(srv.responses().at(200), 4u);
}

TEST_F(HttpTest, UnknownPathsAre404AndServiceTimeDelaysTheAnswer) {
  HttpServerConfig c;
  c.routes.push_back({"/api", "", 200, {}, "x", 50 * kMillisecond});
  HttpServer& srv = web.add_application<HttpServer>(c);
  HttpClient& cl = client(h1, {"/api", "/nothing", "/apix"});
  net.run();
  ASSERT_EQ(cl.exchanges().size(), 3u);
  EXPECT_EQ(cl.exchanges()[0].status, 200);
  EXPECT_GE(*cl.exchanges()[0].response_time, 50 * kMillisecond);
  EXPECT_LT(*cl.exchanges()[1].response_time, 50 * kMillisecond);
  EXPECT_EQ(cl.exchanges()[1].status, 404);
  EXPECT_EQ(cl.exchanges()[2].status, 404);  // a prefix matches whole path segments
  EXPECT_EQ(srv.unrouted(), 2u);
}

TEST_F(HttpTest, AnExactRouteWinsOverPrefixesAndMatchesOnlyItself) {
  HttpServerConfig c;
  c.routes.push_back({"/", "", 200, {}, "prefix", 0});
  c.routes.push_back({"=/", "", 200, {}, "exact", 0});
  c.routes.push_back({"/x", "GET", 201, {}, "get", 0});
  web.add_application<HttpServer>(c);
  HttpClientConfig cc;
  cc.destination = Ipv4Address::parse("10.0.1.20");
  cc.requests = {{"GET", "/", {}, ""}, {"GET", "/other", {}, ""}, {"POST", "/x", {}, "b"}, {"GET", "/x/y", {}, ""}};
  HttpClient& cl = h1.add_application<HttpClient>(cc);
  net.run();
  ASSERT_EQ(cl.responses(), 4u);
  EXPECT_EQ(cl.exchanges()[0].body, "exact");
  EXPECT_EQ(cl.exchanges()[1].body, "prefix");
  EXPECT_EQ(cl.exchanges()[2].body, "prefix");  // the /x route is for GET only
  EXPECT_EQ(cl.exchanges()[3].status, 201);
}

TEST_F(HttpTest, ServerConnectionCloseMakesTheClientReconnect) {
  HttpServerConfig c;
  c.routes.push_back({"/", "", 200, {{"Connection", "close"}}, "bye", 0});
  HttpServer& srv = web.add_application<HttpServer>(c);
  HttpClient& cl = client(h1, {"/a", "/b", "/c"});
  net.run();
  EXPECT_EQ(cl.outcome(), Outcome::reply);
  EXPECT_EQ(cl.connections(), 3u);
  EXPECT_EQ(srv.connections(), 3u);
}

TEST_F(HttpTest, NoServerMeansRefused) {
  HttpClient& cl = client(h1, {"/"});
  net.run();
  EXPECT_EQ(cl.outcome(), Outcome::unreachable);
  EXPECT_EQ(cl.error(), stack::TcpError::connection_refused);
}

TEST_F(HttpTest, GarbageGets400AndTheConnectionCloses) {
  HttpServer& srv = server();
  // A plain TCP client speaking something else.
  struct Raw : TcpHandler {
    std::string got;
    void on_tcp_established(IpNode& n, TcpSocketId id) override {
      const std::string junk = "HELLO\r\n\r\n";
      n.tcp().send(id, {reinterpret_cast<const std::uint8_t*>(junk.data()), junk.size()});
    }
    void on_tcp_data(IpNode&, TcpSocketId, std::span<const std::uint8_t> d) override { got.append(d.begin(), d.end()); }
    void on_tcp_peer_closed(IpNode& n, TcpSocketId id) override { n.tcp().close(id); }
    void on_tcp_closed(IpNode&, TcpSocketId, stack::TcpError) override {}
  } raw;
  h1.tcp().connect(Ipv4Address::parse("10.0.1.20"), 80, 0, raw);
  net.run();
  EXPECT_EQ(raw.got.substr(0, 24), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(srv.bad_requests(), 1u);
}

TEST_F(HttpTest, BadConfigurationIsAConfigError) {
  HttpServerConfig bad;
  bad.routes.push_back({"api", "", 200, {}, "", 0});
  EXPECT_THROW(web.add_application<HttpServer>(bad), core::ConfigError);
  HttpClientConfig none;
  none.destination = Ipv4Address::parse("10.0.1.20");
  EXPECT_THROW(h1.add_application<HttpClient>(none), core::ConfigError);
  HttpClientConfig spaced = none;
  spaced.requests.push_back({"GET", "/a b", {}, ""});
  EXPECT_THROW(h1.add_application<HttpClient>(spaced), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::node
