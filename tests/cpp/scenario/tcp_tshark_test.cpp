// Our TCP as Wireshark sees it: a client/server exchange through a router decodes without a single
// expert warning ("previous segment not captured", "ACKed unseen segment", bad checksums, ...),
// "Follow TCP stream" shows both sides' data, and retransmission flags appear exactly where we
// retransmit (SYNs to a server that is gone).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "libnet/node/network.h"
#include "libnet/node/tcp_apps.h"
#include "support/scenario_capture.h"
#include "support/tshark.h"

namespace vpcsim {
namespace {

using wire::Ipv4Address;

class TcpTshark : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("vpcsim-tcp-tshark-" + std::to_string(::getpid()));
  node::Network net{11};
  node::Host& h1 = net.add_host("h1");
  node::Router& r1 = net.add_router("r1");
  node::Host& h2 = net.add_host("h2");

  void SetUp() override {
    if (!testing::tshark_available()) GTEST_SKIP() << "tshark is not installed";
    std::filesystem::create_directories(dir);
    h1.add_interface("eth0", "10.0.1.10/24");
    h1.set_default_gateway(Ipv4Address::parse("10.0.1.1"));
    r1.add_interface("eth0", "10.0.1.1/24");
    r1.add_interface("eth1", "10.0.2.1/24");
    h2.add_interface("eth0", "10.0.2.20/24");
    h2.set_default_gateway(Ipv4Address::parse("10.0.2.1"));
    link::LinkConfig ms{core::kMillisecond, 100'000'000, 1000};
    net.connect(h1.interface("eth0"), r1.interface("eth0"), ms);
    net.connect(r1.interface("eth1"), h2.interface("eth0"), ms);
  }
  void TearDown() override {
    if (std::getenv("VPCSIM_KEEP_PCAPS") == nullptr) std::filesystem::remove_all(dir);
  }
  node::TcpClient& connect(const char* to, std::uint16_t port, std::string data) {
    node::TcpClientConfig c;
    c.destination = Ipv4Address::parse(to);
    c.dst_port = port;
    c.data = std::move(data);
    return h1.add_application<node::TcpClient>(c);
  }
  /// The packets tshark's TCP analysis flags, as "frame: flags" lines.
  static std::vector<std::string> analysis_flags(const std::string& path) {
    const auto result = testing::run_tshark(path, "-Y tcp.analysis.flags -T fields -e frame.number -e _ws.expert.message");
    std::vector<std::string> lines;
    for (auto& line : testing::split_lines(result.output))
      if (!line.empty()) lines.push_back(line);
    return lines;
  }
};

TEST_F(TcpTshark, ExchangeThroughARouterIsCleanAndFollowShowsBothSides) {
  std::string request = "GET / HTTP/1.0\r\nHost: h2\r\n\r\n";
  std::string reply = "HTTP/1.0 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'z');  // 4 segments
  h2.add_application<node::TcpServer>({80, reply});
  node::TcpClient& client = connect("10.0.2.20", 80, request);
  std::vector<std::string> paths;
  {
    testing::ScenarioCapture pcaps(net, dir);
    net.run();
    pcaps.flush();
    paths = pcaps.paths();
  }
  ASSERT_EQ(client.reply(), reply);
  for (const auto& path : paths) {
    EXPECT_THAT(testing::tshark_problems(path), ::testing::IsEmpty()) << path;
    EXPECT_THAT(analysis_flags(path), ::testing::IsEmpty()) << path;
  }
  const auto h1_pcap = std::find_if(paths.begin(), paths.end(), [](const std::string& p) { return p.find("h1-eth0") != std::string::npos; });
  ASSERT_NE(h1_pcap, paths.end());
  const auto follow = testing::run_tshark(*h1_pcap, "-q -z follow,tcp,ascii,0");
  EXPECT_THAT(follow.output, ::testing::HasSubstr("GET / HTTP/1.0"));
  EXPECT_THAT(follow.output, ::testing::HasSubstr("HTTP/1.0 200 OK"));
  EXPECT_THAT(follow.output, ::testing::HasSubstr("zzzzzzzzzz"));
  // Both directions' byte counts: the request from the client, the whole reply from the server.
  EXPECT_THAT(follow.output, ::testing::HasSubstr("Node 0: 10.0.1.10:"));
  // Sequence numbers as Wireshark computes them: the client's FIN comes after its request.
  const auto seqs = testing::tshark_field(*h1_pcap, "tcp.seq");
  EXPECT_FALSE(seqs.empty());
}

TEST_F(TcpTshark, RetransmittedSynsAreFlaggedAndNothingElse) {
  r1.add_special_route(wire::Ipv4Prefix::parse("10.0.9.0/24"), stack::RouteType::blackhole);
  connect("10.0.9.9", 80, "hello");
  std::vector<std::string> paths;
  {
    testing::ScenarioCapture pcaps(net, dir);
    net.run();
    pcaps.flush();
    paths = pcaps.paths();
  }
  const auto h1_pcap = std::find_if(paths.begin(), paths.end(), [](const std::string& p) { return p.find("h1-eth0") != std::string::npos; });
  ASSERT_NE(h1_pcap, paths.end());
  EXPECT_THAT(testing::tshark_problems(*h1_pcap), ::testing::IsEmpty());
  const auto retransmissions = testing::tshark_field(*h1_pcap, "tcp.analysis.retransmission");
  const auto flagged = analysis_flags(*h1_pcap);
  EXPECT_EQ(flagged.size(), 6u);  // the 6 SYN retransmissions, not the first SYN
  for (const auto& line : flagged) EXPECT_THAT(line, ::testing::HasSubstr("retransmission")) << line;
}

}  // namespace
}  // namespace vpcsim
