#include "libnet/wire/ipv4_prefix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/wire/ipv4_interface_address.h"

namespace vpcsim::wire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

static_assert(Ipv4Prefix::mask_of(0) == 0);
static_assert(Ipv4Prefix::mask_of(1) == 0x80000000u);
static_assert(Ipv4Prefix::mask_of(24) == 0xffffff00u);
static_assert(Ipv4Prefix::mask_of(31) == 0xfffffffeu);
static_assert(Ipv4Prefix::mask_of(32) == 0xffffffffu);

Ipv4Address ip(std::string_view text) { return Ipv4Address::parse(text); }
Ipv4Prefix net(std::string_view text) { return Ipv4Prefix::parse(text); }

std::string parse_error(std::string_view text) {
  try {
    Ipv4Prefix::parse(text);
  } catch (const core::ParseError& e) {
    EXPECT_EQ(e.text(), text);
    return e.what();
  }
  ADD_FAILURE() << "parse(\"" << text << "\") did not throw";
  return {};
}

template <typename F>
std::string parse_error_of(F f) {
  try {
    f();
  } catch (const core::ParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ParseError thrown";
  return {};
}

template <typename F>
std::string config_error_of(F f) {
  try {
    f();
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return {};
}

TEST(Ipv4Prefix, DefaultIsEverything) {
  const Ipv4Prefix all;
  EXPECT_EQ(all.to_string(), "0.0.0.0/0");
  EXPECT_EQ(all.length(), 0);
  EXPECT_EQ(all.num_addresses(), 4294967296ULL);
  EXPECT_TRUE(all.contains(ip("0.0.0.0")));
  EXPECT_TRUE(all.contains(ip("255.255.255.255")));
  EXPECT_EQ(all, net("0.0.0.0/0"));
}

TEST(Ipv4Prefix, Slash24) {
  const Ipv4Prefix p = net("10.0.1.0/24");
  EXPECT_EQ(p.network(), ip("10.0.1.0"));
  EXPECT_EQ(p.length(), 24);
  EXPECT_EQ(p.netmask(), ip("255.255.255.0"));
  EXPECT_EQ(p.hostmask(), ip("0.0.0.255"));
  EXPECT_EQ(p.broadcast(), ip("10.0.1.255"));
  EXPECT_EQ(p.first_host(), ip("10.0.1.1"));
  EXPECT_EQ(p.last_host(), ip("10.0.1.254"));
  EXPECT_EQ(p.num_addresses(), 256u);
  EXPECT_EQ(p.to_string(), "10.0.1.0/24");
  EXPECT_EQ(p.address_at(0), ip("10.0.1.0"));
  EXPECT_EQ(p.address_at(10), ip("10.0.1.10"));
  EXPECT_EQ(p.address_at(255), ip("10.0.1.255"));
  EXPECT_TRUE(p.contains(ip("10.0.1.0")));
  EXPECT_TRUE(p.contains(ip("10.0.1.255")));
  EXPECT_FALSE(p.contains(ip("10.0.0.255")));
  EXPECT_FALSE(p.contains(ip("10.0.2.0")));
}

TEST(Ipv4Prefix, EdgeLengths) {
  const Ipv4Prefix zero = net("0.0.0.0/0");
  EXPECT_EQ(zero.netmask(), ip("0.0.0.0"));
  EXPECT_EQ(zero.hostmask(), ip("255.255.255.255"));
  EXPECT_EQ(zero.broadcast(), ip("255.255.255.255"));
  EXPECT_EQ(zero.first_host(), ip("0.0.0.1"));
  EXPECT_EQ(zero.last_host(), ip("255.255.255.254"));
  EXPECT_EQ(zero.address_at(4294967295ULL), ip("255.255.255.255"));

  const Ipv4Prefix one = net("128.0.0.0/1");
  EXPECT_EQ(one.netmask(), ip("128.0.0.0"));
  EXPECT_EQ(one.broadcast(), ip("255.255.255.255"));
  EXPECT_EQ(one.num_addresses(), 2147483648ULL);
  EXPECT_FALSE(one.contains(ip("127.255.255.255")));

  const Ipv4Prefix p31 = net("10.0.0.4/31");  // RFC 3021 point-to-point: both addresses are hosts
  EXPECT_EQ(p31.netmask(), ip("255.255.255.254"));
  EXPECT_EQ(p31.broadcast(), ip("10.0.0.5"));
  EXPECT_EQ(p31.first_host(), ip("10.0.0.4"));
  EXPECT_EQ(p31.last_host(), ip("10.0.0.5"));
  EXPECT_EQ(p31.num_addresses(), 2u);

  const Ipv4Prefix p32 = net("10.0.0.7/32");  // a host route: itself
  EXPECT_EQ(p32.netmask(), ip("255.255.255.255"));
  EXPECT_EQ(p32.hostmask(), ip("0.0.0.0"));
  EXPECT_EQ(p32.broadcast(), ip("10.0.0.7"));
  EXPECT_EQ(p32.first_host(), ip("10.0.0.7"));
  EXPECT_EQ(p32.last_host(), ip("10.0.0.7"));
  EXPECT_EQ(p32.num_addresses(), 1u);
  EXPECT_TRUE(p32.contains(ip("10.0.0.7")));
  EXPECT_FALSE(p32.contains(ip("10.0.0.6")));

  const Ipv4Prefix p30 = net("10.0.0.8/30");
  EXPECT_EQ(p30.first_host(), ip("10.0.0.9"));
  EXPECT_EQ(p30.last_host(), ip("10.0.0.10"));

  const Ipv4Prefix top = net("255.255.255.255/32");
  EXPECT_EQ(top.broadcast(), ip("255.255.255.255"));
  EXPECT_EQ(top.last_host(), ip("255.255.255.255"));
  const Ipv4Prefix top31 = net("255.255.255.254/31");
  EXPECT_EQ(top31.last_host(), ip("255.255.255.255"));
}

TEST(Ipv4Prefix, EveryLengthHasTheRightMasks) {
  for (int len = 0; len <= 32; ++len) {
    const Ipv4Prefix p = Ipv4Prefix::containing(ip("255.255.255.255"), len);
    EXPECT_EQ(p.length(), len);
    EXPECT_EQ(p.netmask().to_u32(), p.network().to_u32()) << len;
    EXPECT_EQ(p.netmask().to_u32() ^ p.hostmask().to_u32(), 0xffffffffu) << len;
    EXPECT_EQ(p.num_addresses(), std::uint64_t{1} << (32 - len)) << len;
    EXPECT_EQ(p.broadcast(), ip("255.255.255.255")) << len;
    EXPECT_EQ(net(p.to_string()), p) << len;
  }
}

TEST(Ipv4Prefix, ContainingMasksHostBits) {
  EXPECT_EQ(Ipv4Prefix::containing(ip("10.0.1.10"), 24), net("10.0.1.0/24"));
  EXPECT_EQ(Ipv4Prefix::containing(ip("10.0.1.10"), 0), net("0.0.0.0/0"));
  EXPECT_EQ(Ipv4Prefix::containing(ip("10.0.1.10"), 32), net("10.0.1.10/32"));
  EXPECT_EQ(Ipv4Prefix::containing(ip("10.0.1.11"), 31), net("10.0.1.10/31"));
  EXPECT_EQ(Ipv4Prefix::containing(ip("172.31.200.9"), 12), net("172.16.0.0/12"));
  EXPECT_EQ(parse_error_of([] { Ipv4Prefix::containing(ip("10.0.0.1"), 33); }),
            "invalid IPv4 prefix '10.0.0.1/33': prefix length 33 is greater than 32");
  EXPECT_THAT(parse_error_of([] { Ipv4Prefix::containing(ip("10.0.0.1"), -1); }),
              HasSubstr("prefix length -1 is negative"));
}

TEST(Ipv4Prefix, ConstructorIsStrict) {
  EXPECT_EQ(Ipv4Prefix(ip("10.0.0.0"), 8), net("10.0.0.0/8"));
  EXPECT_EQ(Ipv4Prefix(ip("10.0.0.5"), 32), net("10.0.0.5/32"));
  EXPECT_EQ(parse_error_of([] { Ipv4Prefix(ip("10.0.0.5"), 24); }),
            "invalid IPv4 prefix '10.0.0.5/24': host bits are set (the network is 10.0.0.0/24)");
  EXPECT_EQ(parse_error_of([] { Ipv4Prefix(ip("10.0.0.0"), 33); }),
            "invalid IPv4 prefix '10.0.0.0/33': prefix length 33 is greater than 32");
  EXPECT_EQ(parse_error_of([] { Ipv4Prefix(ip("10.0.0.0"), -8); }),
            "invalid IPv4 prefix '10.0.0.0/-8': prefix length -8 is negative");
  EXPECT_THAT(parse_error_of([] { Ipv4Prefix(ip("0.0.0.1"), 0); }),
              HasSubstr("host bits are set (the network is 0.0.0.0/0)"));
}

TEST(Ipv4Prefix, ParseErrorsNameTheTextAndTheProblem) {
  // The three from the design brief, verbatim.
  EXPECT_EQ(parse_error("10.0.0.300/24"), "invalid IPv4 prefix '10.0.0.300/24': octet 300 is greater than 255");
  EXPECT_EQ(parse_error("10.0.0.1/33"), "invalid IPv4 prefix '10.0.0.1/33': prefix length 33 is greater than 32");
  EXPECT_EQ(parse_error("10.0.0.5/24"),
            "invalid IPv4 prefix '10.0.0.5/24': host bits are set (the network is 10.0.0.0/24)");

  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "the text is empty"},
      {"10.0.0.0", "the prefix length is missing: write it as 10.0.0.0/N"},
      {"10.0.0.0/", "the prefix length after '/' is empty"},
      {"/24", "the address before '/' is empty"},
      {"10.0.0.0/24/8", "contains more than one '/'"},
      {"10.0.0.0//24", "contains more than one '/'"},
      {" 10.0.0.0/24", "whitespace at position 0 is not allowed"},
      {"10.0.0.0 /24", "whitespace at position 8 is not allowed"},
      {"10.0.0.0/ 24", "whitespace at position 9 is not allowed"},
      {"10.0.0.0/24\n", "whitespace at position 11"},
      {"10.0.0.0/024", "prefix length '024' has a leading zero; write 24"},
      {"0.0.0.0/00", "prefix length '00' has a leading zero; write 0"},
      {"10.0.0.0/x", "prefix length 'x' is not a decimal number"},
      {"10.0.0.0/-1", "prefix length '-1' is not a decimal number"},
      {"10.0.0.0/+8", "prefix length '+8' is not a decimal number"},
      {"10.0.0.0/24x", "prefix length '24x' is not a decimal number"},
      {"10.0.0.0/100", "prefix length 100 is greater than 32"},
      {"10.0.0.0/99999999999999999999", "prefix length 99999999999999999999 is greater than 32"},
      {"10.0.0.0/255.255.255.0", "expected a prefix length after '/', not a netmask: write /24"},
      {"0.0.0.0/0.0.0.0", "not a netmask: write /0"},
      {"10.0.0.0/255.0.255.0", "255.0.255.0 is not a contiguous netmask"},
      {"10.0.0.0/1.2.3", "prefix length '1.2.3' is not a decimal number"},
      {"010.0.0.0/8", "octet '010' has a leading zero, which is ambiguous (some parsers read it as octal)"},
      {"10.0.0/24", "expected 4 octets separated by '.', found 3"},
      {"10.0.0.0.0/24", "found 5"},
      {"10..0.0/24", "octet 2 is empty"},
      {"10.0.x.0/24", "octet 3 'x' is not a decimal number"},
      {"256.0.0.0/8", "octet 256 is greater than 255"},
      {"10.0.0.1/31", "host bits are set (the network is 10.0.0.0/31)"},
      {"10.0.0.128/24", "host bits are set (the network is 10.0.0.0/24)"},
      {"0.0.0.1/0", "host bits are set (the network is 0.0.0.0/0)"},
      {"192.168.1.0/16", "host bits are set (the network is 192.168.0.0/16)"},
  };
  for (const Case& c : cases) {
    const std::string what = parse_error(c.text);
    EXPECT_THAT(what, HasSubstr(std::string("invalid IPv4 prefix '") + c.text + "': ")) << c.text;
    EXPECT_THAT(what, HasSubstr(c.reason)) << c.text;
  }
}

TEST(Ipv4Prefix, TryParse) {
  std::string reason;
  EXPECT_EQ(Ipv4Prefix::try_parse("10.0.0.0/8", &reason), net("10.0.0.0/8"));
  EXPECT_EQ(Ipv4Prefix::try_parse("10.0.0.1/8", &reason), std::nullopt);
  EXPECT_EQ(reason, "host bits are set (the network is 10.0.0.0/8)");
  EXPECT_EQ(Ipv4Prefix::try_parse("10.0.0.0/33", &reason), std::nullopt);
  EXPECT_EQ(reason, "prefix length 33 is greater than 32");
  EXPECT_EQ(Ipv4Prefix::try_parse("nope"), std::nullopt);
}

TEST(Ipv4Prefix, ContainsPrefix) {
  const Ipv4Prefix vpc = net("10.0.0.0/16");
  EXPECT_TRUE(vpc.contains(vpc));
  EXPECT_TRUE(vpc.contains(net("10.0.1.0/24")));
  EXPECT_TRUE(vpc.contains(net("10.0.255.255/32")));
  EXPECT_FALSE(vpc.contains(net("10.0.0.0/15")));
  EXPECT_FALSE(vpc.contains(net("10.1.0.0/24")));
  EXPECT_FALSE(net("10.0.1.0/24").contains(vpc));
  EXPECT_TRUE(Ipv4Prefix().contains(net("255.255.255.255/32")));
  EXPECT_TRUE(Ipv4Prefix().contains(Ipv4Prefix()));
}

TEST(Ipv4Prefix, Overlaps) {
  const Ipv4Prefix a = net("10.0.0.0/24");
  EXPECT_TRUE(a.overlaps(a));
  EXPECT_TRUE(a.overlaps(net("10.0.0.0/16")));       // contained in
  EXPECT_TRUE(net("10.0.0.0/16").overlaps(a));       // contains
  EXPECT_TRUE(a.overlaps(net("10.0.0.128/25")));     // second half
  EXPECT_TRUE(a.overlaps(net("10.0.0.255/32")));     // last address
  EXPECT_FALSE(a.overlaps(net("10.0.1.0/24")));      // adjacent
  EXPECT_FALSE(net("10.0.1.0/24").overlaps(a));
  EXPECT_FALSE(a.overlaps(net("9.255.255.255/32")));
  EXPECT_FALSE(net("10.0.0.0/25").overlaps(net("10.0.0.128/25")));
  EXPECT_TRUE(Ipv4Prefix().overlaps(a));
  EXPECT_TRUE(a.overlaps(Ipv4Prefix()));
  EXPECT_FALSE(net("0.0.0.0/1").overlaps(net("128.0.0.0/1")));
  EXPECT_TRUE(net("10.0.0.4/31").overlaps(net("10.0.0.5/32")));
  EXPECT_FALSE(net("10.0.0.4/31").overlaps(net("10.0.0.6/32")));
}

TEST(Ipv4Prefix, Split) {
  EXPECT_THAT(net("10.0.0.0/24").split(26),
              ElementsAre(net("10.0.0.0/26"), net("10.0.0.64/26"), net("10.0.0.128/26"), net("10.0.0.192/26")));
  EXPECT_THAT(net("10.0.0.0/24").split(24), ElementsAre(net("10.0.0.0/24")));
  EXPECT_THAT(net("10.0.0.4/30").split(32), ElementsAre(net("10.0.0.4/32"), net("10.0.0.5/32"),
                                                        net("10.0.0.6/32"), net("10.0.0.7/32")));
  EXPECT_THAT(Ipv4Prefix().split(1), ElementsAre(net("0.0.0.0/1"), net("128.0.0.0/1")));
  EXPECT_THAT(net("255.255.255.254/31").split(32), ElementsAre(net("255.255.255.254/32"), net("255.255.255.255/32")));

  const auto subnets = net("10.0.0.0/8").split(24);  // the largest split allowed
  ASSERT_EQ(subnets.size(), 65536u);
  EXPECT_EQ(subnets.front(), net("10.0.0.0/24"));
  EXPECT_EQ(subnets[1], net("10.0.1.0/24"));
  EXPECT_EQ(subnets[256], net("10.1.0.0/24"));
  EXPECT_EQ(subnets.back(), net("10.255.255.0/24"));

  const auto top = Ipv4Prefix().split(16);
  ASSERT_EQ(top.size(), 65536u);
  EXPECT_EQ(top.back(), net("255.255.0.0/16"));
}

TEST(Ipv4Prefix, SplitErrorsNameThePrefix) {
  const Ipv4Prefix p = net("10.0.0.0/24");
  EXPECT_EQ(config_error_of([&] { p.split(20); }), "10.0.0.0/24: split: new length 20 is shorter than the prefix length 24");
  EXPECT_EQ(config_error_of([&] { p.split(33); }), "10.0.0.0/24: split: new length 33 is greater than 32");
  EXPECT_EQ(config_error_of([&] { p.split(-1); }),
            "10.0.0.0/24: split: new length -1 is shorter than the prefix length 24");
  EXPECT_EQ(config_error_of([] { net("10.0.0.0/8").split(25); }),
            "10.0.0.0/8: split: splitting into /25s would make 131072 pieces (more than 65536)");
  EXPECT_THAT(config_error_of([] { Ipv4Prefix().split(32); }), HasSubstr("4294967296 pieces"));
  try {
    p.split(33);
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), "10.0.0.0/24");
    EXPECT_EQ(e.field(), "split");
  }
}

TEST(Ipv4Prefix, AddressAtRejectsIndexPastTheEnd) {
  const Ipv4Prefix p = net("10.0.0.0/30");
  EXPECT_EQ(p.address_at(3), ip("10.0.0.3"));
  EXPECT_EQ(config_error_of([&] { p.address_at(4); }),
            "10.0.0.0/30: address_at: index 4 is out of range (the prefix has 4 addresses)");
  EXPECT_THAT(config_error_of([] { Ipv4Prefix().address_at(4294967296ULL); }), HasSubstr("index 4294967296"));
  EXPECT_THAT(config_error_of([] { net("1.2.3.4/32").address_at(1); }), HasSubstr("has 1 addresses"));
}

TEST(Ipv4Prefix, OrderIsNetworkThenLength) {
  EXPECT_LT(net("10.0.0.0/8"), net("10.0.0.0/24"));
  EXPECT_LT(net("10.0.0.0/24"), net("10.0.1.0/24"));
  EXPECT_LT(net("9.0.0.0/8"), net("10.0.0.0/8"));
  EXPECT_LT(net("127.0.0.0/8"), net("128.0.0.0/1"));
  EXPECT_EQ(net("10.0.0.0/8"), Ipv4Prefix(ip("10.0.0.0"), 8));
  EXPECT_NE(net("10.0.0.0/8"), net("10.0.0.0/9"));
  std::set<Ipv4Prefix> sorted{net("10.0.1.0/24"), net("10.0.0.0/16"), net("10.0.0.0/24"), net("0.0.0.0/0")};
  std::string joined;
  for (const auto& p : sorted) joined += p.to_string() + " ";
  EXPECT_EQ(joined, "0.0.0.0/0 10.0.0.0/16 10.0.0.0/24 10.0.1.0/24 ");
}

TEST(Ipv4Prefix, HashesAndPrints) {
  std::unordered_set<Ipv4Prefix> set;
  for (int len = 0; len <= 32; ++len) set.insert(Ipv4Prefix::containing(ip("10.1.2.3"), len));
  set.insert(net("10.0.0.0/8"));
  EXPECT_EQ(set.size(), 33u);
  EXPECT_TRUE(set.contains(net("10.1.2.0/24")));
  EXPECT_FALSE(set.contains(net("10.1.3.0/24")));
  std::ostringstream os;
  os << net("192.0.2.0/24");
  EXPECT_EQ(os.str(), "192.0.2.0/24");
}

// ---- The random comparison against Python's ipaddress (tests/cpp/data/make_ipv4_prefix_cases.py) ----

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

TEST(Ipv4Prefix, AgreesWithPythonIpaddress) {
  const std::string path = std::string(VPCSIM_TEST_DATA_DIR) + "/ipv4_prefix_cases.tsv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::string line;
  int rows = 0;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto f = split_tabs(line);
    ASSERT_EQ(f.size(), 13u) << path << ":" << line_no;
    SCOPED_TRACE(path + ":" + std::to_string(line_no) + ": " + f[0]);
    ++rows;

    const Ipv4InterfaceAddress iface = Ipv4InterfaceAddress::parse(f[0]);
    EXPECT_EQ(iface.to_string(), f[0]);
    const Ipv4Prefix p = iface.subnet();
    const int len = iface.prefix_length();
    EXPECT_EQ(p, Ipv4Prefix::containing(iface.address(), len));
    EXPECT_EQ(p.network().to_string(), f[1]);
    EXPECT_EQ(p.length(), len);
    EXPECT_EQ(p.broadcast().to_string(), f[2]);
    EXPECT_EQ(iface.broadcast().to_string(), f[2]);
    EXPECT_EQ(p.first_host().to_string(), f[3]);
    EXPECT_EQ(p.last_host().to_string(), f[4]);
    EXPECT_EQ(std::to_string(p.num_addresses()), f[5]);
    EXPECT_EQ(p.address_at(p.num_addresses() - 1), p.broadcast());

    // Strict parsing: the network text parses back; the interface text parses as a prefix only if
    // it has no host bits.
    const std::string network_text = f[1] + "/" + std::to_string(len);
    EXPECT_EQ(Ipv4Prefix::parse(network_text), p);
    EXPECT_EQ(p.to_string(), network_text);
    EXPECT_EQ(Ipv4Prefix::try_parse(f[0]).has_value(), iface.address() == p.network());

    const Ipv4Address probe = Ipv4Address::parse(f[6]);
    EXPECT_EQ(p.contains(probe), f[7] == "1") << "probe " << f[6];
    EXPECT_EQ(iface.is_on_link(probe), f[7] == "1") << "probe " << f[6];

    const Ipv4Prefix other = Ipv4Prefix::parse(f[8]);
    EXPECT_EQ(p.overlaps(other), f[9] == "1") << "other " << f[8];
    EXPECT_EQ(other.overlaps(p), f[9] == "1") << "other " << f[8];
    EXPECT_EQ(p.contains(other), f[10] == "1") << "other " << f[8];

    const int split_length = std::stoi(f[11]);
    const auto pieces = p.split(split_length);
    ASSERT_EQ(std::to_string(pieces.size()), f[12]);
    // The pieces tile the prefix in order.
    EXPECT_EQ(pieces.front().network(), p.network());
    EXPECT_EQ(pieces.back().broadcast(), p.broadcast());
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
      ASSERT_EQ(pieces[i].broadcast().to_u32() + 1, pieces[i + 1].network().to_u32());
    }
    for (const auto& piece : pieces) ASSERT_EQ(piece.length(), split_length);
    EXPECT_TRUE(p.contains(pieces[pieces.size() / 2]));
  }
  EXPECT_GE(rows, 2000);
}

}  // namespace
}  // namespace vpcsim::wire
