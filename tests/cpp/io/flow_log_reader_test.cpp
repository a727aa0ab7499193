// The VPC Flow Logs parser: AWS's own example records (flow-logs-records-examples.html), files with
// and without the header, gzip as AWS delivers to S3, NODATA/SKIPDATA, and bad lines reported with
// their line numbers while the rest still parse.
#include "libnet/io/flow_log_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>

#include "libnet/core/error.h"
#include "support/temp_file.h"

namespace vpcsim::io {
namespace {

using ::testing::HasSubstr;

// AWS's documented examples, verbatim.
constexpr const char* kSsh =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";
constexpr const char* kRdp =
    "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK";
constexpr const char* kNoData = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA";
constexpr const char* kSkipData = "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA";

std::string parse_error(const std::string& line) {
  std::string error;
  EXPECT_FALSE(parse_flow_log_line(line, error).has_value()) << line;
  return error;
}

TEST(FlowLogRecord, ParsesAwsAcceptExample) {
  std::string error;
  auto r = parse_flow_log_line(kSsh, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->version, 2u);
  EXPECT_EQ(r->account_id, "123456789010");
  EXPECT_EQ(r->interface_id, "eni-1235b8ca123456789");
  EXPECT_EQ(r->srcaddr.to_string(), "172.31.16.139");
  EXPECT_EQ(r->dstaddr.to_string(), "172.31.16.21");
  EXPECT_EQ(r->srcport, 20641);
  EXPECT_EQ(r->dstport, 22);
  EXPECT_EQ(r->protocol, 6);
  EXPECT_EQ(r->packets, 20u);
  EXPECT_EQ(r->bytes, 4249u);
  EXPECT_EQ(r->start, 1418530010);
  EXPECT_EQ(r->end, 1418530070);
  EXPECT_EQ(r->action, FlowLogAction::accept);
  EXPECT_EQ(r->log_status, FlowLogStatus::ok);
  EXPECT_TRUE(r->has_flow());
  EXPECT_EQ(r->to_line(), kSsh);  // emit is the inverse of parse
}

TEST(FlowLogRecord, ParsesRejectAndNoDataSkipData) {
  std::string error;
  auto rdp = parse_flow_log_line(kRdp, error);
  ASSERT_TRUE(rdp) << error;
  EXPECT_EQ(rdp->action, FlowLogAction::reject);
  EXPECT_EQ(rdp->to_line(), kRdp);
  for (const char* line : {kNoData, kSkipData}) {
    auto r = parse_flow_log_line(line, error);
    ASSERT_TRUE(r) << error;
    EXPECT_FALSE(r->has_flow());
    EXPECT_EQ(r->action, FlowLogAction::none);
    EXPECT_EQ(r->start, 1431280876);
    EXPECT_EQ(r->end, 1431280934);
    EXPECT_EQ(r->to_line(), line);
  }
}

TEST(FlowLogRecord, ToleratesTabsRunsOfSpacesAndCarriageReturn) {
  std::string error;
  auto r = parse_flow_log_line(std::string("  2\t123456789010   eni-1 10.0.0.1 10.0.0.2 1 2 17 1 40 5 6 ACCEPT OK\r"), error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->protocol, 17);
}

TEST(FlowLogRecord, HugeCountsParseToTheLimitOfUint64) {
  std::string error;
  auto r = parse_flow_log_line(
      "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 18446744073709551615 18446744073709551615 1 2 ACCEPT OK", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->packets, 18446744073709551615ull);
  EXPECT_EQ(r->bytes, 18446744073709551615ull);
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 18446744073709551616 1 1 2 ACCEPT OK"),
              HasSubstr("packets '18446744073709551616' is out of range"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 99999999999999999999999999 1 2 ACCEPT OK"),
              HasSubstr("bytes '99999999999999999999999999' is out of range"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 99999999999999 99999999999999 ACCEPT OK"),
              HasSubstr("start '99999999999999' is out of range"));
}

TEST(FlowLogRecord, BadFieldsNameTheFieldAndQuoteTheText) {
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT"), HasSubstr("expected the 14 fields"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK extra"), HasSubstr("found 15"));
  EXPECT_THAT(parse_error("5 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"), HasSubstr("version 5"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"),
              HasSubstr("srcaddr '10.0.0.300' is not an IPv4 address"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 2001:db8::1 1 2 6 1 1 1 2 ACCEPT OK"),
              HasSubstr("dstaddr '2001:db8::1' is an IPv6 address"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 65536 2 6 1 1 1 2 ACCEPT OK"),
              HasSubstr("srcport '65536' is out of range (at most 65535)"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 -2 6 1 1 1 2 ACCEPT OK"), HasSubstr("dstport '-2' is not a number"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 256 1 1 1 2 ACCEPT OK"), HasSubstr("protocol '256' is out of range"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1x 1 1 2 ACCEPT OK"), HasSubstr("packets '1x' is not a number"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ALLOW OK"), HasSubstr("action 'ALLOW'"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT FINE"), HasSubstr("log-status 'FINE'"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 9 2 ACCEPT OK"), HasSubstr("end 2 is before start 9"));
  EXPECT_THAT(parse_error("2 1 eni-1 10.0.0.1 - - - - - - 1 2 - NODATA"), HasSubstr("srcaddr '10.0.0.1' in a NODATA record"));
  EXPECT_THAT(parse_error("2 1 eni-1 - - - - - - - 1 2 - OK"), HasSubstr("srcaddr '-' is not an IPv4 address"));
}

TEST(FlowLogRecord, RecognisesTheHeader) {
  EXPECT_TRUE(is_flow_log_header(kFlowLogDefaultHeader));
  EXPECT_TRUE(is_flow_log_header("version  account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
                                 "bytes start end action log-status\r"));
  EXPECT_FALSE(is_flow_log_header(kSsh));
  EXPECT_FALSE(is_flow_log_header("version account-id"));
}

TEST(FlowLogReader, ReadsWithAndWithoutHeaderSkippingBlankLines) {
  const std::string body = std::string(kSsh) + "\n\n" + kRdp + "\n" + kNoData + "\n";
  for (const std::string& text : {body, std::string(kFlowLogDefaultHeader) + "\n" + body}) {
    auto reader = FlowLogReader::from_text(text);
    auto records = reader.read_all();
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].to_line(), kSsh);
    EXPECT_EQ(records[1].to_line(), kRdp);
    EXPECT_EQ(records[2].to_line(), kNoData);
    EXPECT_EQ(reader.bad_records(), 0u);
    EXPECT_TRUE(reader.issues().empty());
  }
}

TEST(FlowLogReader, LastLineWithoutNewlineAndCrlfLineEnds) {
  auto reader = FlowLogReader::from_text(std::string(kSsh) + "\r\n" + kRdp);
  auto records = reader.read_all();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].to_line(), kRdp);
  EXPECT_EQ(reader.lines(), 2u);
}

TEST(FlowLogReader, BadLinesAreCountedWithLineNumbersAndTheRestParse) {
  const std::string text = std::string(kFlowLogDefaultHeader) + "\n" + kSsh + "\n" + "garbage\n" + kRdp + "\n" +
                           "2 1 eni-1 10.0.0.1 10.0.0.2 1 99999 6 1 1 1 2 ACCEPT OK\n" + kSkipData + "\n";
  auto reader = FlowLogReader::from_text(text, "week.log");
  auto records = reader.read_all();
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(reader.records(), 3u);
  EXPECT_EQ(reader.bad_records(), 2u);
  ASSERT_EQ(reader.issues().size(), 2u);
  EXPECT_EQ(reader.issues()[0].line, 3u);
  EXPECT_EQ(reader.describe(reader.issues()[0]), "week.log:3: expected the 14 fields of the default format (" +
                                                     std::string(kFlowLogDefaultHeader) + "), found 1");
  EXPECT_EQ(reader.issues()[1].line, 5u);
  EXPECT_THAT(reader.describe(reader.issues()[1]), HasSubstr("week.log:5: dstport '99999' is out of range"));
}

TEST(FlowLogReader, KeepsTheFirstIssuesButCountsAll) {
  std::string text;
  for (int i = 0; i < 250; ++i) text += "nonsense\n";
  text += kSsh;
  auto reader = FlowLogReader::from_text(text);
  EXPECT_EQ(reader.read_all().size(), 1u);
  EXPECT_EQ(reader.bad_records(), 250u);
  EXPECT_EQ(reader.issues().size(), FlowLogReader::kMaxIssues);
}

TEST(FlowLogReader, OverlongLineIsOneIssue) {
  const std::string text = std::string(FlowLogReader::kMaxLineLen + 10, 'x') + "\n" + kSsh + "\n";
  auto reader = FlowLogReader::from_text(text);
  EXPECT_EQ(reader.read_all().size(), 1u);
  ASSERT_EQ(reader.issues().size(), 1u);
  EXPECT_EQ(reader.issues()[0].line, 1u);
  EXPECT_THAT(reader.issues()[0].message, HasSubstr("line longer than"));
}

void write_gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(f);
}

TEST(FlowLogReader, ReadsPlainAndGzipFilesAlike) {
  std::string text = std::string(kFlowLogDefaultHeader) + "\n";
  for (int i = 0; i < 5000; ++i)  // larger than one read buffer, so lines cross chunk boundaries
    text += "2 123456789010 eni-0a 10.0.1.10 203.0.113.10 80 " + std::to_string(1024 + i) + " 6 3 180 60 120 ACCEPT OK\n";
  testing::TempFile plain("flow.log"), gz("flow.log.gz");
  std::ofstream(plain.path()) << text;
  write_gzip(gz.path(), text);
  for (const std::string& path : {plain.path(), gz.path()}) {
    FlowLogReader reader(path);
    auto records = reader.read_all();
    ASSERT_EQ(records.size(), 5000u) << path;
    EXPECT_EQ(records[4999].dstport, 1024 + 4999);
    EXPECT_EQ(reader.bad_records(), 0u);
  }
}

TEST(FlowLogReader, TruncatedGzipKeepsTheRecordsBeforeAndSaysWhere) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::string(kSsh) + "\n";
  testing::TempFile gz("cut.log.gz"), cut("cut2.log.gz");
  write_gzip(gz.path(), text);
  std::ifstream in(gz.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(cut.path(), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  FlowLogReader reader(cut.path());
  const auto records = reader.read_all();
  EXPECT_GT(records.size(), 0u);
  EXPECT_LT(records.size(), 20000u);
  ASSERT_FALSE(reader.issues().empty());
  EXPECT_THAT(reader.describe(reader.issues().back()), HasSubstr("gzip"));
}

TEST(FlowLogReader, MissingFileThrowsNamingIt) {
  try {
    FlowLogReader reader("/nonexistent/flow.log");
    FAIL() << "no exception";
  } catch (const core::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/flow.log: flow log: No such file"));
  }
}

}  // namespace
}  // namespace vpcsim::io
