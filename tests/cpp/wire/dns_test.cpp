// DNS messages (libnet/wire/dns.h): a captured query, a compressed answer, emit/parse round trips and
// malformed messages.
#include "libnet/wire/dns.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace vpcsim::wire {
namespace {

// tcpdump-dns_udp.pcap #1, the UDP payload: a query for www.tcpdump.org A with an EDNS OPT record.
constexpr std::array<std::uint8_t, 56> kCapturedQuery{
    0x59, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77,
    0x77, 0x07, 0x74, 0x63, 0x70, 0x64, 0x75, 0x6d, 0x70, 0x03, 0x6f, 0x72, 0x67, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00,
    0x0a, 0x00, 0x08, 0x42, 0xf5, 0xd0, 0x09, 0x96, 0xf9, 0x0b, 0x13,
};

// An answer as a server compresses it: www.example CNAME db.example, db.example A 10.0.1.20. The
// CNAME's owner points at the question (0xc00c), its target's "example" at offset 16, and the A
// record's owner at the CNAME target (offset 41).
constexpr std::array<std::uint8_t, 62> kCompressedAnswer{
    0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,              // header
    0x03, 'w',  'w',  'w',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',  0x00,        // www.example
    0x00, 0x05, 0x00, 0x01,                                                              // CNAME IN
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x05,              // -> 29
    0x02, 'd',  'b',  0xc0, 0x10,                                                        // db + ptr
    0xc0, 0x29, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,              // db.example A
    0x0a, 0x00, 0x01, 0x14,
};

TEST(DnsView, ReadsTheCapturedQueryHeader) {
  auto view = DnsView::parse(kCapturedQuery);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->id(), 0x5934);
  EXPECT_FALSE(view->is_response());
  EXPECT_EQ(view->opcode(), 0);
  EXPECT_TRUE(view->recursion_desired());
  EXPECT_EQ(view->question_count(), 1);
  EXPECT_EQ(view->answer_count(), 0);
  EXPECT_EQ(view->additional_count(), 1);
}

TEST(DnsRepr, ParsesTheCapturedQuery) {
  auto m = DnsRepr::parse(DnsView::parse(kCapturedQuery).value());
  ASSERT_TRUE(m);
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0], (DnsQuestion{"www.tcpdump.org", dns_type::a, kDnsClassIn}));
  ASSERT_EQ(m->additionals.size(), 1u);
  EXPECT_EQ(m->additionals[0].name, "");  // the OPT pseudo-record's root name
  EXPECT_EQ(m->additionals[0].type, 41);
  EXPECT_EQ(m->additionals[0].klass, 4096);  // its UDP payload size
  // Its one option (cookie, code 10) kept as bytes.
  EXPECT_EQ(m->additionals[0].rdata,
            (std::vector<std::uint8_t>{0x00, 0x0a, 0x00, 0x08, 0x42, 0xf5, 0xd0, 0x09, 0x96, 0xf9, 0x0b, 0x13}));
  // Emitting gives back the same bytes: nothing in a query compresses.
  EXPECT_EQ(m->to_bytes(), std::vector<std::uint8_t>(kCapturedQuery.begin(), kCapturedQuery.end()));
}

TEST(DnsRepr, FollowsCompressionPointers) {
  auto m = DnsRepr::parse(DnsView::parse(kCompressedAnswer).value());
  ASSERT_TRUE(m) << m.error();
  EXPECT_TRUE(m->response);
  EXPECT_TRUE(m->authoritative);
  EXPECT_TRUE(m->recursion_available);
  EXPECT_EQ(m->rcode, 0);
  ASSERT_EQ(m->answers.size(), 2u);
  EXPECT_EQ(m->answers[0].to_string(), "www.example. 60 IN CNAME db.example.");
  EXPECT_EQ(m->answers[1].to_string(), "db.example. 60 IN A 10.0.1.20");
}

TEST(DnsRepr, EmitsCompressedNamesAsServersDo) {
  DnsRepr m;
  m.id = 0x1234;
  m.response = m.authoritative = m.recursion_desired = m.recursion_available = true;
  m.questions.push_back({"www.example", dns_type::cname, kDnsClassIn});
  m.answers.push_back({"www.example", dns_type::cname, kDnsClassIn, 60, {}, "db.example", {}});
  m.answers.push_back({"db.example", dns_type::a, kDnsClassIn, 60, Ipv4Address::from_octets(10, 0, 1, 20), "", {}});
  EXPECT_EQ(m.wire_len(), kCompressedAnswer.size());
  EXPECT_EQ(m.to_bytes(), std::vector<std::uint8_t>(kCompressedAnswer.begin(), kCompressedAnswer.end()));
}

TEST(DnsRepr, QueryAndReplyRoundTrip) {
  auto q = DnsRepr::query(7, "Db.Example.Internal.", dns_type::a);
  EXPECT_EQ(q.questions[0].name, "Db.Example.Internal");
  auto back = DnsRepr::parse(DnsView::parse(q.to_bytes()).value());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, q);
  auto r = DnsRepr::reply_to(q, static_cast<std::uint8_t>(DnsRcode::name_error));
  EXPECT_TRUE(r.response);
  EXPECT_EQ(r.id, 7);
  EXPECT_TRUE(r.recursion_desired);
  auto r2 = DnsRepr::parse(DnsView::parse(r.to_bytes()).value());
  ASSERT_TRUE(r2);
  EXPECT_EQ(*r2, r);
  EXPECT_EQ(dns_rcode_text(r2->rcode), "NXDOMAIN");
}

TEST(DnsRepr, RefusesMalformedMessages) {
  std::vector<std::uint8_t> bytes(kCompressedAnswer.begin(), kCompressedAnswer.end());
  EXPECT_EQ(DnsView::parse(std::span(bytes).first(11)).error(), WireError::truncated);
  // Cut inside the last record.
  EXPECT_EQ(DnsRepr::parse(DnsView::parse(std::span(bytes).first(bytes.size() - 2)).value()).error(),
            WireError::truncated);
  // A pointer forward (to itself): would loop.
  auto loop = bytes;
  loop[46] = 0xc0;
  loop[47] = 0x2e;
  EXPECT_EQ(DnsRepr::parse(DnsView::parse(loop).value()).error(), WireError::unsupported);
  // A label type 0x40.
  auto ext = bytes;
  ext[12] = 0x43;
  EXPECT_EQ(DnsRepr::parse(DnsView::parse(ext).value()).error(), WireError::unsupported);
  // An A record of 3 bytes.
  auto short_a = bytes;
  short_a[57] = 0x03;  // RDLENGTH
  EXPECT_EQ(DnsRepr::parse(DnsView::parse(short_a).value()).error(), WireError::unsupported);
  // More answers announced than present.
  auto more = bytes;
  more[7] = 3;
  EXPECT_EQ(DnsRepr::parse(DnsView::parse(more).value()).error(), WireError::truncated);
}

TEST(DnsNames, CompareCheckAndReverse) {
  EXPECT_TRUE(dns_name_equal("DB.example.", "db.EXAMPLE"));
  EXPECT_FALSE(dns_name_equal("db.example", "db.exampl"));
  EXPECT_TRUE(dns_name_in_zone("db.example.internal", "example.internal"));
  EXPECT_TRUE(dns_name_in_zone("example.internal", "example.internal"));
  EXPECT_FALSE(dns_name_in_zone("badexample.internal", "example.internal"));
  EXPECT_TRUE(dns_name_in_zone("anything", ""));
  EXPECT_EQ(dns_name_problem("db.example"), "");
  EXPECT_NE(dns_name_problem("db..example"), "");
  EXPECT_NE(dns_name_problem(std::string(64, 'a') + ".example"), "");
  EXPECT_EQ(dns_reverse_name(Ipv4Address::from_octets(10, 0, 1, 20)), "20.1.0.10.in-addr.arpa");
  EXPECT_EQ(parse_dns_type("cname"), dns_type::cname);
  EXPECT_EQ(dns_type_text(99), "TYPE99");
}

}  // namespace
}  // namespace vpcsim::wire
